import { CreateTask, TASK_STATUSES, userActor } from "@tasks/domain";
import { UuidV7IdGenerator } from "@tasks/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, expectValidationProblem } from "./support/http.ts";
import { openTestApi, type TestApi, type TestUser } from "./support/test-api.ts";

interface TaskBody {
  id: string;
  title: string;
  status: string;
  created_at: string;
  updated_at: string;
}

interface PageBody {
  count: number;
  next: string | null;
  previous: string | null;
  results: TaskBody[];
}

const TASKS = 23;
const HOST = "api.test:8080";

describe("GET /api/tasks/", () => {
  let api: TestApi;
  let alice: TestUser;
  let bob: TestUser;
  let empty: TestUser;

  beforeAll(async () => {
    api = await openTestApi("pglite", { config: { allowedHosts: ["localhost", "api.test"] } });
    [alice, bob, empty] = [await api.signUp("alice"), await api.signUp("bob"), await api.signUp("empty")];
    // Few distinct titles and statuses and a clock that repeats instants: many ties, which
    // only the id tie-break can order.
    const instants = [new Date("2026-01-01T00:00:00.000Z"), new Date("2026-01-02T00:00:00.000Z")];
    let tick = 0;
    const createTask = new CreateTask({
      tasks: api.database.tasks,
      clock: { now: () => instants[tick++ % instants.length] as Date },
      ids: new UuidV7IdGenerator(),
    });
    for (let index = 0; index < TASKS; index += 1)
      await createTask.execute({
        actor: userActor(alice.user.id),
        changes: { title: ["Alpha", "beta", "Gamma"][index % 3], status: TASK_STATUSES[index % 3] },
      });
    await createTask.execute({ actor: userActor(bob.user.id), changes: { title: "Bob's" } });
  });
  afterAll(async () => {
    await api?.close();
  });

  const list = (user: TestUser, query = "") =>
    api.app.inject({ method: "GET", url: `/api/tasks/${query}`, headers: { ...user.auth, host: HOST } });
  const page = async (user: TestUser, query = "") => {
    const response = await list(user, query);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<PageBody>();
  };

  it("answers the first 20 of the caller's tasks, newest first, with absolute next and previous URLs", async () => {
    const first = await page(alice);
    expect(first.count).toBe(TASKS);
    expect(first.results).toHaveLength(20);
    expect(first.previous).toBeNull();
    expect(first.next).toBe(`http://${HOST}/api/tasks/?page=2`);
    const createdAt = first.results.map((task) => task.created_at);
    expect(createdAt).toEqual([...createdAt].sort().reverse());
    const second = await page(alice, "?page=2");
    expect(second.results).toHaveLength(TASKS - 20);
    expect(second.next).toBeNull();
    expect(second.previous).toBe(`http://${HOST}/api/tasks/`);
  });

  it("keeps the other query parameters in next and previous", async () => {
    const middle = await page(alice, "?status=todo,doing&page_size=5&page=2&ordering=title");
    expect(new URL(middle.next ?? "").searchParams.toString()).toBe(
      "status=todo%2Cdoing&page_size=5&page=3&ordering=title",
    );
    expect(new URL(middle.previous ?? "").searchParams.toString()).toBe(
      "status=todo%2Cdoing&page_size=5&ordering=title",
    );
  });

  it("answers 200 with count 0 for an empty list", async () => {
    expect(await page(empty)).toEqual({ count: 0, next: null, previous: null, results: [] });
  });

  it("answers 404 for a page past the last, also for an empty list", async () => {
    expect(expectProblem(await list(alice, "?page=3"), 404).detail).toBe("Invalid page.");
    expectProblem(await list(empty, "?page=2"), 404);
    // Past any offset storage can take: still a page past the last, never a 500.
    for (const huge of ["100000000000000000000", "9007199254740993"])
      expectProblem(await list(alice, `?page=${huge}&page_size=100`), 404);
  });

  it("caps page_size at 100", async () => {
    const all = await page(alice, "?page_size=1000");
    expect(all.results).toHaveLength(TASKS);
    expect(all.next).toBeNull();
  });

  it.each(["0", "-1", "abc", "1.5", "", "0x10", "1e3"])("refuses page=%j and page_size=%j with 400", async (value) => {
    expectValidationProblem(await list(alice, `?page=${value}`), ["page"]);
    expectValidationProblem(await list(alice, `?page_size=${value}`), ["page_size"]);
  });

  it("refuses an unknown ordering field, naming it", async () => {
    const errors = expectValidationProblem(await list(alice, "?ordering=title,-owner"), ["ordering"]);
    expect(errors.ordering?.[0]).toContain('"-owner"');
  });

  it("refuses an unknown status, naming it", async () => {
    const errors = expectValidationProblem(await list(alice, "?status=todo,later"), ["status"]);
    expect(errors.status).toEqual(['"later" is not a valid choice. Choose among: todo, doing, done.']);
  });

  it("filters by one status or by several", async () => {
    const todo = await page(alice, "?status=todo&page_size=100");
    expect(todo.count).toBe(8);
    expect(new Set(todo.results.map((task) => task.status))).toEqual(new Set(["todo"]));
    const two = await page(alice, "?status=done,doing&page_size=100");
    expect(two.count).toBe(15);
    expect(new Set(two.results.map((task) => task.status))).toEqual(new Set(["doing", "done"]));
  });

  it("sorts status in workflow order, todo then doing then done", async () => {
    const statuses = (await page(alice, "?ordering=status&page_size=100")).results.map((task) => task.status);
    expect(statuses).toEqual([...statuses].sort((a, b) => rank(a) - rank(b)));
    const reversed = (await page(alice, "?ordering=-status&page_size=100")).results.map((task) => task.status);
    expect(reversed).toEqual([...statuses].reverse());
  });

  const orderings = ["created_at", "updated_at", "status", "title"].flatMap((field) => [field, `-${field}`]);
  it.each([...orderings, "status,-title", "-updated_at,title", ""])(
    "never overlaps or skips between pages under ordering=%j",
    async (ordering) => {
      const full = (await page(alice, `?ordering=${ordering}&page_size=100`)).results.map((task) => task.id);
      expect(new Set(full).size).toBe(TASKS);
      for (const pageSize of [1, 4, 7]) {
        const seen: string[] = [];
        for (let number = 1; number <= Math.ceil(TASKS / pageSize); number += 1) {
          const { results } = await page(alice, `?ordering=${ordering}&page_size=${pageSize}&page=${number}`);
          seen.push(...results.map((task) => task.id));
        }
        expect(seen).toEqual(full);
      }
    },
  );
});

function rank(status: string): number {
  return (TASK_STATUSES as readonly string[]).indexOf(status);
}
