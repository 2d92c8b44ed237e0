import { beforeEach, describe, expect, it } from "vitest";
import {
  ListAllTasks,
  ListTasks,
  ListUsers,
  OPERATOR,
  PageNotFound,
  UserNotFound,
  userActor,
  ValidationError,
} from "../../src/index.ts";
import { aStoredTask, aStoredUser, type FakePorts, fakePorts, minutes, START } from "../../src/testing/index.ts";

const ALICE = userActor("alice-id");

let ports: FakePorts;

beforeEach(() => {
  ports = fakePorts();
});

async function storeTasks(ownerId: string, count: number) {
  const stored = [];
  for (let index = 0; index < count; index += 1)
    stored.push((await aStoredTask(ports, { ownerId, createdAt: new Date(START.getTime() + minutes(index)) })).task);
  return stored;
}

describe("ListTasks", () => {
  it("gives page 1 of an empty list rather than an error", async () => {
    expect(await new ListTasks(ports).execute({ actor: ALICE })).toEqual({
      count: 0,
      page: 1,
      pageSize: 20,
      hasNext: false,
      hasPrevious: false,
      results: [],
    });
  });

  it("reports page 2 of an empty list as not found", async () => {
    await expect(new ListTasks(ports).execute({ actor: ALICE, page: 2 })).rejects.toThrow(PageNotFound);
  });

  it("reports a page past any offset storage can address as not found, without asking storage", async () => {
    await expect(new ListTasks(ports).execute({ actor: ALICE, page: 1.8e20 })).rejects.toThrow(PageNotFound);
    await expect(new ListTasks(ports).execute({ actor: ALICE, page: 2 ** 53 })).rejects.toThrow(PageNotFound);
    expect(ports.tasks.pageRequests).toEqual([]);
  });

  it("lists only the caller's tasks, newest first by default", async () => {
    const mine = await storeTasks("alice-id", 3);
    await storeTasks("bob-id", 2);

    const page = await new ListTasks(ports).execute({ actor: ALICE });

    expect(page.count).toBe(3);
    expect(page.results.map((task) => task.id)).toEqual(mine.map((task) => task.id).reverse());
  });

  it("says whether there are pages before and after", async () => {
    await storeTasks("alice-id", 5);
    const list = (page: number) => new ListTasks(ports).execute({ actor: ALICE, page, pageSize: 2 });

    expect(await list(1)).toMatchObject({ count: 5, page: 1, hasPrevious: false, hasNext: true });
    expect(await list(2)).toMatchObject({ page: 2, hasPrevious: true, hasNext: true });
    expect(await list(3)).toMatchObject({ page: 3, hasPrevious: true, hasNext: false });
    expect((await list(3)).results).toHaveLength(1);
  });

  it("reports the page just past the last one as not found, naming it", async () => {
    await storeTasks("alice-id", 4);

    const error = await new ListTasks(ports).execute({ actor: ALICE, page: 3, pageSize: 2 }).catch((caught) => caught);

    expect(error).toBeInstanceOf(PageNotFound);
    expect(error.page).toBe(3);
  });

  it("sends the storage the parsed, capped request", async () => {
    await new ListTasks(ports).execute({
      actor: ALICE,
      page: 1,
      pageSize: 500,
      ordering: "-status,title",
      status: "done,todo",
    });

    expect(ports.tasks.pageRequests).toEqual([
      {
        ownerId: "alice-id",
        request: {
          page: 1,
          pageSize: 100,
          ordering: [
            { field: "status", direction: "desc" },
            { field: "title", direction: "asc" },
          ],
          statuses: ["todo", "done"],
        },
      },
    ]);
  });

  it("filters by status", async () => {
    await aStoredTask(ports, { ownerId: "alice-id", status: "todo" });
    const doing = (await aStoredTask(ports, { ownerId: "alice-id", status: "doing" })).task;

    const page = await new ListTasks(ports).execute({ actor: ALICE, status: "doing" });

    expect(page.results).toEqual([doing]);
    expect(page.count).toBe(1);
  });

  it.each([
    [{ page: 0 }, "page"],
    [{ pageSize: 1.5 }, "page_size"],
    [{ ordering: "owner" }, "ordering"],
    [{ status: "archived" }, "status"],
  ])("refuses %j before asking the storage", async (query, field) => {
    const error = await new ListTasks(ports).execute({ actor: ALICE, ...query }).catch((caught) => caught);

    expect(error).toBeInstanceOf(ValidationError);
    expect(Object.keys(error.errors)).toEqual([field]);
    expect(ports.tasks.pageRequests).toEqual([]);
  });
});

describe("ListAllTasks", () => {
  it("gives the operator every task, newest first, with its owner's username", async () => {
    const alice = await aStoredUser(ports, { username: "alice" });
    const bob = await aStoredUser(ports, { username: "bob" });
    const [older] = await storeTasks(alice.id, 1);
    const newer = (await aStoredTask(ports, { ownerId: bob.id, createdAt: new Date(START.getTime() + minutes(9)) }))
      .task;

    expect((await new ListAllTasks(ports).execute({ actor: OPERATOR })).results).toEqual([
      { task: newer, ownerUsername: "bob" },
      { task: older, ownerUsername: "alice" },
    ]);
  });

  it("filters by owner username, in any case", async () => {
    const alice = await aStoredUser(ports, { username: "alice" });
    const bob = await aStoredUser(ports, { username: "bob" });
    const [alicesTask] = await storeTasks(alice.id, 1);
    await storeTasks(bob.id, 1);

    expect((await new ListAllTasks(ports).execute({ actor: OPERATOR, username: "ALICE" })).results).toEqual([
      { task: alicesTask, ownerUsername: "alice" },
    ]);
  });

  it("reports an unknown owner username", async () => {
    await expect(new ListAllTasks(ports).execute({ actor: OPERATOR, username: "nobody" })).rejects.toThrow(
      UserNotFound,
    );
  });

  it("filters by a list of statuses and by text in the title or description", async () => {
    const alice = await aStoredUser(ports, { username: "alice" });
    const match = (
      await aStoredTask(ports, { ownerId: alice.id, status: "doing", title: "x", description: "Call the PLUMBER" })
    ).task;
    await aStoredTask(ports, { ownerId: alice.id, status: "done", title: "plumber invoice" });
    await aStoredTask(ports, { ownerId: alice.id, status: "todo", title: "groceries" });

    expect(
      (await new ListAllTasks(ports).execute({ actor: OPERATOR, status: "todo,doing", search: "  plumber " })).results,
    ).toEqual([{ task: match, ownerUsername: "alice" }]);
  });

  it("treats a blank search as no search", async () => {
    const alice = await aStoredUser(ports, { username: "alice" });
    await storeTasks(alice.id, 2);

    expect((await new ListAllTasks(ports).execute({ actor: OPERATOR, search: "   " })).results).toHaveLength(2);
  });

  it("refuses an unknown status", async () => {
    await expect(new ListAllTasks(ports).execute({ actor: OPERATOR, status: "later" })).rejects.toThrow(
      ValidationError,
    );
  });

  it("falls back to the owner id for a task whose owner it cannot name", async () => {
    const { task } = await aStoredTask(ports, { ownerId: "orphan-owner-id" });

    expect((await new ListAllTasks(ports).execute({ actor: OPERATOR })).results).toEqual([
      { task, ownerUsername: "orphan-owner-id" },
    ]);
  });
});

describe("the operator's pages (ListAllTasks, ListUsers)", () => {
  it("give one page of the given size, with the total, and refuse a page past the last", async () => {
    const alice = await aStoredUser(ports, { username: "alice" });
    await storeTasks(alice.id, 5);

    const second = await new ListAllTasks(ports).execute({ actor: OPERATOR, page: 2, limit: 2 });
    expect({ ...second, results: second.results.length }).toEqual({ count: 5, page: 2, pageSize: 2, results: 2 });
    await expect(new ListAllTasks(ports).execute({ actor: OPERATOR, page: 4, limit: 2 })).rejects.toThrow(PageNotFound);
    expect(await new ListUsers(ports).execute({ page: 1, limit: 1 })).toEqual({
      count: 1,
      page: 1,
      pageSize: 1,
      results: [alice],
    });
    await expect(new ListUsers(ports).execute({ page: 2 })).rejects.toThrow(PageNotFound);
    await expect(new ListUsers(ports).execute({ page: 1e21 })).rejects.toThrow(PageNotFound);
  });

  it("show 100 rows by default and at most 1,000, and name a bad page or limit as taskctl's options", async () => {
    expect(await new ListUsers(ports).execute()).toMatchObject({ count: 0, page: 1, pageSize: 100, results: [] });
    expect(await new ListUsers(ports).execute({ limit: 5_000 })).toMatchObject({ pageSize: 1_000 });
    await expect(new ListUsers(ports).execute({ page: 0, limit: 1.5 })).rejects.toMatchObject({
      errors: {
        page: ["A page number must be a whole number of at least 1."],
        limit: ["A limit must be a whole number of at least 1."],
      },
    });
  });
});
