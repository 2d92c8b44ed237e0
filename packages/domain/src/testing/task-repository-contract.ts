import {
  OPERATOR_TASK_ORDERING_FIELDS,
  type OperatorTaskOrdering,
  TASK_ORDERING_FIELDS,
  TASK_STATUSES,
  Task,
  type TaskFilter,
  type TaskOrdering,
  type TaskPageRequest,
  type TaskRepository,
  type TaskStatus,
  UserGone,
} from "../index.ts";
import { anId, aTask, minutes } from "./builders.ts";
import type { ContractTestApi } from "./contract-test-api.ts";
import { START } from "./fake-clock.ts";
import { sortTasks } from "./task-order.ts";

/** What the task contract runs on: the repository, and a way to make an owner it accepts. */
export interface TaskRepositoryUnderTest {
  readonly tasks: TaskRepository;
  /** The id of a new owner (a stored user, where storage checks owners). */
  newOwner(): Promise<string>;
  /** Deletes an owner `newOwner` made: needed with `{ checksOwners: true }`. */
  deleteOwner?(id: string): Promise<void>;
}

/**
 * `checksOwners`: the storage refuses a task whose owner does not exist, as PostgreSQL's
 * foreign key does, with `UserGone` (the subject then gives `deleteOwner`). An option
 * rather than the presence of `deleteOwner`, because the contract's tests are registered
 * before `open` gives the subject.
 */
export interface TaskContractOptions {
  readonly checksOwners?: boolean;
}

const NOT_AN_ID = "not-an-id";

const at = (minutesAfterStart: number) => new Date(START.getTime() + minutes(minutesAfterStart));
const ids = (tasks: readonly { id: string }[]) => tasks.map((task) => task.id);

/**
 * What every `TaskRepository` must do, whatever it stores in. Register it inside a
 * `describe` of your test file: `taskRepositoryContract({ describe, it, beforeAll,
 * afterAll, expect }, async () => ({ tasks, newOwner }))`.
 */
export function taskRepositoryContract(
  t: ContractTestApi,
  open: () => Promise<TaskRepositoryUnderTest>,
  options: TaskContractOptions = {},
): void {
  const { describe, it, beforeAll, expect } = t;
  let subject: TaskRepositoryUnderTest;
  let tasks: TaskRepository;

  beforeAll(async () => {
    subject = await open();
    tasks = subject.tasks;
  });

  async function stored(overrides: Partial<Task> = {}): Promise<Task> {
    const task = aTask({ ownerId: await subject.newOwner(), ...overrides });
    await tasks.add(task);
    return task;
  }

  it("stores a task and finds it by id with every field, to the millisecond", async () => {
    const task = await stored({
      title: "Ship it",
      description: "all of it",
      status: "doing",
      createdAt: new Date("2025-03-01T09:00:00.123Z"),
      updatedAt: new Date("2025-03-01T09:05:00.456Z"),
    });
    expect(await tasks.findById(task.id)).toEqual(task);
  });

  if (options.checksOwners === true)
    it("refuses a task, or a task's new owner, deleted meanwhile with UserGone, writing nothing", async () => {
      const { deleteOwner } = subject;
      if (deleteOwner === undefined) throw new Error("checksOwners: true needs deleteOwner");
      const gone = await subject.newOwner();
      await deleteOwner(gone);
      const task = aTask({ ownerId: gone });
      const adding = tasks.add(task);
      await expect(adding).rejects.toBeInstanceOf(UserGone);
      await expect(adding).rejects.toMatchObject({ userId: gone });
      expect(await tasks.findById(task.id)).toBeNull();

      const kept = await stored();
      const moved = tasks.update(kept.id, { ownerId: gone, title: "moved" }, at(5));
      await expect(moved).rejects.toBeInstanceOf(UserGone);
      await expect(moved).rejects.toMatchObject({ userId: gone });
      expect(await tasks.findById(kept.id)).toEqual(kept);
    });

  it("finds nothing for an unknown id or a string that is not an id", async () => {
    expect(await tasks.findById(anId())).toBeNull();
    expect(await tasks.findById(NOT_AN_ID)).toBeNull();
  });

  it("updates title, description, status and updated_at, never created_at or the owner", async () => {
    const task = await stored();
    const written = await tasks.update(task.id, { title: "New title", description: "more", status: "done" }, at(5));
    expect(written).toEqual(
      Task.rehydrate({ ...task, title: "New title", description: "more", status: "done", updatedAt: at(5) }),
    );
    expect(await tasks.findById(task.id)).toEqual(written);
  });

  it("writes only the given fields, and updated_at even when none is given", async () => {
    const task = await stored({ title: "Keep", description: "this", status: "doing" });
    expect(await tasks.update(task.id, { status: "done" }, at(5))).toEqual(
      Task.rehydrate({ ...task, status: "done", updatedAt: at(5) }),
    );
    expect(await tasks.update(task.id, {}, at(6))).toEqual(
      Task.rehydrate({ ...task, status: "done", updatedAt: at(6) }),
    );
  });

  it("updates and deletes within the given owner's tasks only, leaving another owner's as they were", async () => {
    const task = await stored();
    const stranger = await subject.newOwner();
    expect(await tasks.update(task.id, { title: "Taken" }, at(5), stranger)).toBeNull();
    expect(await tasks.delete(task.id, stranger)).toBe(false);
    expect(await tasks.findById(task.id)).toEqual(task);

    expect(await tasks.update(task.id, { title: "Mine" }, at(5), task.ownerId)).toMatchObject({ title: "Mine" });
    expect(await tasks.delete(task.id, task.ownerId)).toBe(true);
    expect(await tasks.findById(task.id)).toBeNull();
  });

  it("says that an update found no task, and does not bring a deleted one back", async () => {
    const task = await stored();
    await tasks.delete(task.id);
    expect(await tasks.update(task.id, { title: "Too late" }, at(5))).toBeNull();
    expect(await tasks.update(NOT_AN_ID, { title: "Not an id" }, at(5))).toBeNull();
    expect(await tasks.findById(task.id)).toBeNull();
  });

  it("deletes a task and says whether there was one", async () => {
    const task = await stored();
    expect(await tasks.delete(task.id)).toBe(true);
    expect(await tasks.findById(task.id)).toBeNull();
    expect(await tasks.delete(task.id)).toBe(false);
    expect(await tasks.delete(NOT_AN_ID)).toBe(false);
    expect(await tasks.delete(NOT_AN_ID, task.ownerId)).toBe(false);
  });

  it("gives a task to another owner when the update names one, moving it between the owners' lists", async () => {
    const task = await stored({ status: "doing" });
    const newOwner = await subject.newOwner();
    const expected = Task.rehydrate({ ...task, ownerId: newOwner, title: "Handed over", updatedAt: at(5) });
    expect(await tasks.update(task.id, { title: "Handed over", ownerId: newOwner }, at(5), task.ownerId)).toEqual(
      expected,
    );
    expect(await tasks.findById(task.id)).toEqual(expected);
    const request: TaskPageRequest = {
      page: 1,
      pageSize: 10,
      ordering: [{ field: "created_at", direction: "desc" }],
      statuses: ["doing"],
    };
    expect(await tasks.listForOwner(newOwner, request)).toEqual({ items: [expected], count: 1 });
    expect(await tasks.listForOwner(task.ownerId, request)).toEqual({ items: [], count: 0 });
  });

  it("keeps the owner when the update's new owner is undefined, and refuses a move scoped to a stranger", async () => {
    const task = await stored();
    expect(await tasks.update(task.id, { ownerId: undefined, status: "done" }, at(5))).toEqual(
      Task.rehydrate({ ...task, status: "done", updatedAt: at(5) }),
    );
    const stranger = await subject.newOwner();
    expect(await tasks.update(task.id, { ownerId: stranger }, at(6), stranger)).toBeNull();
    expect((await tasks.findById(task.id))?.ownerId).toBe(task.ownerId);
  });

  describe("listForOwner", () => {
    const titles = ["banana", "Apple", "cherry", "apple pie", "Date", "banana", "elder"];
    let owner: string;
    let own: Task[];

    beforeAll(async () => {
      owner = await subject.newOwner();
      // 21 tasks: created in pairs at the same instant (the id must break the tie), updated in
      // another order, with every status and repeated titles; and one of another owner.
      own = Array.from({ length: 21 }, (_, i) =>
        aTask({
          ownerId: owner,
          title: titles[i % titles.length] ?? "x",
          status: TASK_STATUSES[(i * 2) % 3] ?? "todo",
          createdAt: at(Math.floor(i / 2)),
          updatedAt: at(100 - ((i * 7) % 21)),
        }),
      );
      for (const task of own) await tasks.add(task);
      await stored();
    });

    function request(overrides: Partial<TaskPageRequest> = {}): TaskPageRequest {
      return {
        page: 1,
        pageSize: 100,
        ordering: [{ field: "created_at", direction: "desc" }],
        statuses: [],
        ...overrides,
      };
    }

    async function allPages(ordering: TaskOrdering, pageSize: number, statuses: TaskStatus[] = []): Promise<Task[]> {
      const seen: Task[] = [];
      for (let page = 1; ; page++) {
        const result = await tasks.listForOwner(owner, { page, pageSize, ordering, statuses });
        if (result.items.length === 0) return seen;
        seen.push(...result.items);
      }
    }

    it("lists only the owner's tasks, newest first by default with the id breaking ties", async () => {
      const page = await tasks.listForOwner(owner, request());
      expect(page.count).toBe(21);
      expect(page.items).toEqual(sortTasks(own, [{ field: "created_at", direction: "desc" }]));
    });

    for (const field of TASK_ORDERING_FIELDS)
      for (const direction of ["asc", "desc"] as const)
        it(`orders by ${direction === "desc" ? "-" : ""}${field} across pages that never overlap or skip`, async () => {
          const ordering: TaskOrdering = [{ field, direction }];
          expect(ids(await allPages(ordering, 4))).toEqual(ids(sortTasks(own, ordering)));
        });

    it("sorts status in workflow order todo, doing, done", async () => {
      const page = await tasks.listForOwner(owner, request({ ordering: [{ field: "status", direction: "asc" }] }));
      const statuses = page.items.map((task) => task.status);
      expect(statuses).toEqual([...statuses].sort((a, b) => TASK_STATUSES.indexOf(a) - TASK_STATUSES.indexOf(b)));
      expect(statuses[0]).toBe("todo");
      expect(statuses.at(-1)).toBe("done");
    });

    it("orders titles case-insensitively first (ICU root collation)", async () => {
      const page = await tasks.listForOwner(owner, request({ ordering: [{ field: "title", direction: "asc" }] }));
      expect([...new Set(page.items.map((task) => task.title))]).toEqual([
        "Apple",
        "apple pie",
        "banana",
        "cherry",
        "Date",
        "elder",
      ]);
    });

    it("orders by several terms, the id following the direction of the last", async () => {
      for (const [ordering, pageSize] of [
        [
          [
            { field: "status", direction: "desc" },
            { field: "title", direction: "asc" },
          ],
          5,
        ],
        [
          [
            { field: "title", direction: "asc" },
            { field: "created_at", direction: "desc" },
          ],
          3,
        ],
      ] as const)
        expect(ids(await allPages(ordering, pageSize))).toEqual(ids(sortTasks(own, ordering)));
    });

    it("filters by one status or several, counting only the matches", async () => {
      for (const statuses of [["doing"], ["todo", "done"]] as TaskStatus[][]) {
        const expected = sortTasks(
          own.filter((task) => statuses.includes(task.status)),
          [{ field: "created_at", direction: "desc" }],
        );
        const page = await tasks.listForOwner(owner, request({ statuses, pageSize: 3 }));
        expect(page.count).toBe(expected.length);
        expect(ids(page.items)).toEqual(ids(expected.slice(0, 3)));
        expect(ids(await allPages([{ field: "updated_at", direction: "asc" }], 2, statuses))).toEqual(
          ids(sortTasks(expected, [{ field: "updated_at", direction: "asc" }])),
        );
      }
    });

    it("pages at the boundaries: a full last page, then nothing past the end", async () => {
      const ordering: TaskOrdering = [{ field: "created_at", direction: "asc" }];
      const sorted = sortTasks(own, ordering);
      // 21 tasks, 7 a page: exactly 3 full pages.
      const third = await tasks.listForOwner(owner, request({ ordering, pageSize: 7, page: 3 }));
      expect(ids(third.items)).toEqual(ids(sorted.slice(14, 21)));
      expect(third.count).toBe(21);
      expect(await tasks.listForOwner(owner, request({ ordering, pageSize: 7, page: 4 }))).toEqual({
        items: [],
        count: 21,
      });
      expect(await tasks.listForOwner(owner, request({ ordering, pageSize: 20, page: 50 }))).toEqual({
        items: [],
        count: 21,
      });
      const partial = await tasks.listForOwner(owner, request({ ordering, pageSize: 20, page: 2 }));
      expect(ids(partial.items)).toEqual(ids(sorted.slice(20)));
    });

    it("gives an empty first page with a count of 0 for an owner without tasks", async () => {
      const empty = { items: [], count: 0 };
      expect(await tasks.listForOwner(await subject.newOwner(), request())).toEqual(empty);
      expect(await tasks.listForOwner(anId(), request())).toEqual(empty);
      expect(await tasks.listForOwner(NOT_AN_ID, request())).toEqual(empty);
    });
  });

  describe("list (the operator's view)", () => {
    let alice: string;
    let aliceTasks: Task[];
    let bobTask: Task;

    /** Every matching task, on one page. */
    const listed = async (filter: TaskFilter) => (await tasks.list(filter, { page: 1, pageSize: 1_000 })).items;

    beforeAll(async () => {
      alice = await subject.newOwner();
      aliceTasks = [
        aTask({ ownerId: alice, title: "Buy MILK", status: "todo", createdAt: at(1) }),
        aTask({ ownerId: alice, title: "Call", description: "about the milkman", status: "doing", createdAt: at(2) }),
        aTask({ ownerId: alice, title: "100% done_ish", status: "done", createdAt: at(3) }),
      ];
      for (const task of aliceTasks) await tasks.add(task);
      bobTask = await stored({ title: "milk too", createdAt: at(4) });
    });

    it("filters by owner and lists newest first", async () => {
      expect(ids(await listed({ ownerId: alice }))).toEqual(ids([...aliceTasks].reverse()));
      expect(await listed({ ownerId: NOT_AN_ID })).toEqual([]);
    });

    it("filters by statuses", async () => {
      expect(ids(await listed({ ownerId: alice, statuses: ["todo", "done"] }))).toEqual(
        ids([aliceTasks[2], aliceTasks[0]] as Task[]),
      );
    });

    it("searches title and description case-insensitively, across owners", async () => {
      const found = ids(await listed({ search: "MiLk" }));
      for (const id of ids([aliceTasks[0], aliceTasks[1], bobTask] as Task[])) expect(found).toContain(id);
      expect(ids(await listed({ ownerId: alice, search: "milk" }))).toEqual(
        ids([aliceTasks[1], aliceTasks[0]] as Task[]),
      );
    });

    it("matches % and _ in a search literally", async () => {
      expect(ids(await listed({ ownerId: alice, search: "100%" }))).toEqual([aliceTasks[2]?.id]);
      expect(ids(await listed({ ownerId: alice, search: "e_i" }))).toEqual([aliceTasks[2]?.id]);
      expect(await listed({ ownerId: alice, search: "%%" })).toEqual([]);
    });

    it("lists every task when no filter is given", async () => {
      const all = ids(await listed({}));
      for (const id of ids([...aliceTasks, bobTask])) expect(all).toContain(id);
    });

    it("gives one page at a time with the count of every matching task", async () => {
      const page = (number: number) => tasks.list({ ownerId: alice }, { page: number, pageSize: 2 });
      const [first, second, past] = [await page(1), await page(2), await page(3)];
      expect([first.count, second.count, past.count]).toEqual([3, 3, 3]);
      expect([...ids(first.items), ...ids(second.items)]).toEqual(ids([...aliceTasks].reverse()));
      expect(past.items).toEqual([]);
      expect(await tasks.list({ ownerId: alice, statuses: ["done"] }, { page: 1, pageSize: 1 })).toEqual({
        items: [aliceTasks[2]],
        count: 1,
      });
    });

    describe("ordered", () => {
      // Every task of these tests has `marker` in its title, so that searching for it lists
      // them alone: three owners, creation times in pairs, repeated titles, every status.
      const marker = `zq${anId().slice(-5)}`;
      const titles = ["banana", "Apple", "cherry", "apple pie", "banana"];
      let own: Task[];

      beforeAll(async () => {
        const owners = [await subject.newOwner(), await subject.newOwner(), await subject.newOwner()];
        own = Array.from({ length: 11 }, (_, i) =>
          aTask({
            ownerId: owners[(i * 2) % 3] as string,
            title: `${titles[i % titles.length]} ${marker}`,
            status: TASK_STATUSES[i % 3] as TaskStatus,
            createdAt: at(200 + Math.floor(i / 2)),
            updatedAt: at(300 - ((i * 4) % 11)),
          }),
        );
        for (const task of own) await tasks.add(task);
      });

      const allPages = async (ordering: OperatorTaskOrdering, pageSize: number): Promise<Task[]> => {
        const seen: Task[] = [];
        for (let page = 1; page <= own.length; page++)
          seen.push(...(await tasks.list({ search: marker }, { page, pageSize }, ordering)).items);
        return seen;
      };

      it("lists newest first when no ordering is given", async () => {
        expect(ids((await tasks.list({ search: marker }, { page: 1, pageSize: 100 })).items)).toEqual(
          ids(sortTasks(own, [{ field: "created_at", direction: "desc" }])),
        );
      });

      for (const field of OPERATOR_TASK_ORDERING_FIELDS)
        for (const direction of ["asc", "desc"] as const)
          it(`orders by ${direction === "desc" ? "-" : ""}${field}, ties broken by id, across pages that never overlap or skip`, async () => {
            const ordering: OperatorTaskOrdering = [{ field, direction }];
            expect(ids(await allPages(ordering, 3))).toEqual(ids(sortTasks(own, ordering)));
          });

      it("orders by owner, then by several terms, the id following the direction of the last", async () => {
        for (const ordering of [
          [
            { field: "owner", direction: "asc" },
            { field: "title", direction: "desc" },
          ],
          [
            { field: "status", direction: "desc" },
            { field: "owner", direction: "asc" },
          ],
        ] as const)
          expect(ids(await allPages(ordering, 4))).toEqual(ids(sortTasks(own, ordering)));
        const byOwner = (
          await tasks.list({ search: marker }, { page: 1, pageSize: 100 }, [{ field: "owner", direction: "asc" }])
        ).items;
        const owners = byOwner.map((task) => task.ownerId);
        expect(owners).toEqual([...owners].sort());
      });
    });
  });
}
