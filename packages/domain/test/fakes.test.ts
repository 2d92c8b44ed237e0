import { describe, expect, it } from "vitest";
import { type Task, type TaskOrdering, type TaskPageRequest, type TaskStatus, UsernameTaken } from "../src/index.ts";
import {
  aSession,
  aTask,
  aUser,
  FakeClock,
  FakePasswordHasher,
  FakeTokenService,
  fakePorts,
  InMemoryTaskRepository,
  InMemoryUserRepository,
  minutes,
  SequentialIdGenerator,
  START,
} from "../src/testing/index.ts";

// The fakes stand in for the real adapters in every use-case test, so they must keep the
// promises the ports document; these tests pin the ones the use cases rely on.

const at = (minute: number) => new Date(START.getTime() + minutes(minute));

async function storeAll(tasks: InMemoryTaskRepository, all: Task[]): Promise<void> {
  for (const task of all) await tasks.add(task);
}

function request(overrides: Partial<TaskPageRequest> = {}): TaskPageRequest {
  return { page: 1, pageSize: 100, ordering: [{ field: "created_at", direction: "desc" }], statuses: [], ...overrides };
}

async function titlesIn(tasks: InMemoryTaskRepository, ordering: TaskOrdering, statuses: TaskStatus[] = []) {
  return (await tasks.listForOwner("o", request({ ordering, statuses }))).items.map((task) => task.title);
}

describe("InMemoryTaskRepository.listForOwner", () => {
  it("lists only the owner's tasks, with the count over all pages", async () => {
    const tasks = new InMemoryTaskRepository();
    await storeAll(tasks, [aTask({ ownerId: "o" }), aTask({ ownerId: "o" }), aTask({ ownerId: "other" })]);

    const page = await tasks.listForOwner("o", request({ pageSize: 1 }));

    expect(page.count).toBe(2);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]?.ownerId).toBe("o");
  });

  it("orders by each term in turn, ascending or descending", async () => {
    const tasks = new InMemoryTaskRepository();
    await storeAll(tasks, [
      aTask({ ownerId: "o", title: "b", updatedAt: at(2) }),
      aTask({ ownerId: "o", title: "a", updatedAt: at(1) }),
      aTask({ ownerId: "o", title: "c", updatedAt: at(3) }),
    ]);

    expect(await titlesIn(tasks, [{ field: "title", direction: "asc" }])).toEqual(["a", "b", "c"]);
    expect(await titlesIn(tasks, [{ field: "title", direction: "desc" }])).toEqual(["c", "b", "a"]);
    expect(await titlesIn(tasks, [{ field: "updated_at", direction: "desc" }])).toEqual(["c", "b", "a"]);
  });

  it("sorts status in workflow order, not alphabetically, with later terms breaking ties", async () => {
    const tasks = new InMemoryTaskRepository();
    await storeAll(tasks, [
      aTask({ ownerId: "o", title: "done", status: "done" }),
      aTask({ ownerId: "o", title: "todo-old", status: "todo", createdAt: at(0) }),
      aTask({ ownerId: "o", title: "doing", status: "doing" }),
      aTask({ ownerId: "o", title: "todo-new", status: "todo", createdAt: at(5) }),
    ]);

    expect(
      await titlesIn(tasks, [
        { field: "status", direction: "asc" },
        { field: "created_at", direction: "desc" },
      ]),
    ).toEqual(["todo-new", "todo-old", "doing", "done"]);
    expect(await titlesIn(tasks, [{ field: "status", direction: "desc" }])).toEqual([
      "done",
      "doing",
      "todo-new",
      "todo-old",
    ]);
  });

  it("breaks remaining ties by id, in the direction of the last term", async () => {
    const tasks = new InMemoryTaskRepository();
    const first = aTask({ ownerId: "o", title: "same" });
    const second = aTask({ ownerId: "o", title: "same" });
    await storeAll(tasks, [second, first]);
    const ids = async (direction: "asc" | "desc") =>
      (await tasks.listForOwner("o", request({ ordering: [{ field: "title", direction }] }))).items.map((t) => t.id);

    expect(await ids("asc")).toEqual([first.id, second.id]);
    expect(await ids("desc")).toEqual([second.id, first.id]);
  });

  it("gives pages that neither overlap nor skip, even when every key ties", async () => {
    const tasks = new InMemoryTaskRepository();
    const all = Array.from({ length: 7 }, () => aTask({ ownerId: "o" }));
    await storeAll(tasks, all);

    const pages = await Promise.all([1, 2, 3].map((page) => tasks.listForOwner("o", request({ page, pageSize: 3 }))));

    const seen = pages.flatMap((page) => page.items.map((task) => task.id));
    expect(seen).toEqual(all.map((task) => task.id).reverse());
  });

  it("keeps only the requested statuses, or every status for an empty list", async () => {
    const tasks = new InMemoryTaskRepository();
    await storeAll(tasks, [
      aTask({ ownerId: "o", title: "t", status: "todo" }),
      aTask({ ownerId: "o", title: "d", status: "done" }),
    ]);
    const byTitle: TaskOrdering = [{ field: "title", direction: "asc" }];

    expect(await titlesIn(tasks, byTitle, ["done"])).toEqual(["d"]);
    expect(await titlesIn(tasks, byTitle, [])).toEqual(["d", "t"]);
  });

  it("answers a page past the end with no items but the full count", async () => {
    const tasks = new InMemoryTaskRepository();
    await storeAll(tasks, [aTask({ ownerId: "o" })]);

    expect(await tasks.listForOwner("o", request({ page: 2, pageSize: 1 }))).toEqual({ items: [], count: 1 });
  });
});

describe("InMemoryTaskRepository", () => {
  it("lists for the operator newest first, then by id, filtered by owner, statuses and text", async () => {
    const tasks = new InMemoryTaskRepository();
    const older = aTask({ ownerId: "a", title: "Fix the SINK", createdAt: at(0) });
    const tieLow = aTask({ ownerId: "b", title: "x", description: "sink again", createdAt: at(1) });
    const tieHigh = aTask({ ownerId: "a", title: "y", createdAt: at(1), status: "done" });
    await storeAll(tasks, [older, tieLow, tieHigh]);

    expect((await tasks.list({}, { page: 1, pageSize: 1_000 })).items).toEqual([tieHigh, tieLow, older]);
    expect((await tasks.list({ ownerId: "a" }, { page: 1, pageSize: 1_000 })).items).toEqual([tieHigh, older]);
    expect((await tasks.list({ statuses: ["done"] }, { page: 1, pageSize: 1_000 })).items).toEqual([tieHigh]);
    expect((await tasks.list({ search: "sInK" }, { page: 1, pageSize: 1_000 })).items).toEqual([tieLow, older]);
  });

  it("finds, updates and deletes by id, telling whether there was one", async () => {
    const tasks = new InMemoryTaskRepository();
    const task = aTask();
    await tasks.add(task);
    const changed = await tasks.update(task.id, { title: "changed" }, at(1));

    expect(await tasks.findById(task.id)).toBe(changed);
    expect(changed).toMatchObject({ title: "changed", updatedAt: at(1) });
    expect(await tasks.findById("unknown")).toBeNull();
    expect(await tasks.delete(task.id)).toBe(true);
    expect(await tasks.delete(task.id)).toBe(false);
    expect(await tasks.update(task.id, { title: "again" }, at(2))).toBeNull();
    expect(await tasks.findById(task.id)).toBeNull();
  });
});

describe("InMemoryUserRepository", () => {
  it("refuses a username already taken in any case", async () => {
    const users = new InMemoryUserRepository();
    await users.add(aUser({ username: "Alice" }));

    await expect(users.add(aUser({ username: "aLICE" }))).rejects.toThrow(UsernameTaken);
    expect(await users.count()).toBe(1);
  });

  it("finds by username in any case", async () => {
    const users = new InMemoryUserRepository();
    const alice = aUser({ username: "Alice" });
    await users.add(alice);

    expect(await users.findByUsername("ALICE")).toBe(alice);
    expect(await users.findByUsername("bob")).toBeNull();
  });

  it("lists oldest first, then by id", async () => {
    const users = new InMemoryUserRepository();
    const late = aUser({ dateJoined: at(5) });
    const earlyLow = aUser({ dateJoined: at(0) });
    const earlyHigh = aUser({ dateJoined: at(0) });
    for (const user of [late, earlyHigh, earlyLow]) await users.add(user);

    expect((await users.list({ page: 1, pageSize: 1_000 })).items).toEqual([earlyLow, earlyHigh, late]);
  });

  it("deletes a user with their tasks and sessions, telling whether there was one", async () => {
    const { users, tasks, sessions } = fakePorts();
    const alice = aUser();
    await users.add(alice);
    await tasks.add(aTask({ ownerId: alice.id }));
    await sessions.add(aSession({ userId: alice.id }));

    expect(await users.delete(alice.id)).toBe(true);
    expect(await users.delete(alice.id)).toBe(false);
    expect((await tasks.list({}, { page: 1, pageSize: 1_000 })).items).toEqual([]);
    expect(sessions.all()).toEqual([]);
  });

  it("does not bring back a deleted user on a targeted change", async () => {
    const users = new InMemoryUserRepository();
    const alice = aUser();
    await users.add(alice);
    await users.delete(alice.id);

    await users.recordLogin(alice.id, at(1));

    expect(await users.changePassword(alice.id, "new-hash")).toBeNull();
    expect(await users.deactivate(alice.id)).toBeNull();
    expect(await users.activate(alice.id)).toBeNull();
    expect(await users.findById(alice.id)).toBeNull();
  });

  it("changes only what a targeted change is about, on the user as stored now", async () => {
    const users = new InMemoryUserRepository();
    const alice = aUser({ tokenVersion: 2 });
    await users.add(alice);

    await users.deactivate(alice.id);
    await users.recordLogin(alice.id, at(1));

    expect(await users.findById(alice.id)).toMatchObject({ isActive: false, tokenVersion: 3, lastLogin: at(1) });
  });
});

describe("InMemoryUnitOfWork", () => {
  it("keeps every write of a transaction that succeeds", async () => {
    const ports = fakePorts();
    const user = aUser();

    const result = await ports.unitOfWork.transaction(async () => {
      await ports.users.add(user);
      await ports.tasks.add(aTask({ ownerId: user.id }));
      return "done";
    });

    expect(result).toBe("done");
    expect(await ports.users.count()).toBe(1);
    expect(ports.log.records.map((record) => record.transaction)).toEqual([1, 1]);
  });

  it("puts every repository back as it was when the work throws, and passes the error on", async () => {
    const ports = fakePorts();
    const kept = aUser();
    await ports.users.add(kept);
    const session = aSession({ userId: kept.id });
    await ports.sessions.add(session);

    const failure = ports.unitOfWork.transaction(async () => {
      await ports.users.deactivate(kept.id);
      await ports.users.add(aUser());
      await ports.sessions.revoke(session.id, "logout", START);
      await ports.tasks.add(aTask());
      throw new Error("boom");
    });

    await expect(failure).rejects.toThrow("boom");
    expect((await ports.users.list({ page: 1, pageSize: 1_000 })).items).toEqual([kept]);
    expect(ports.sessions.all()).toEqual([session]);
    expect((await ports.tasks.list({}, { page: 1, pageSize: 1_000 })).items).toEqual([]);
    expect(ports.unitOfWork.transactions).toEqual([{ number: 1, outcome: "rolled back" }]);
    expect(ports.log.transaction).toBeNull();
  });

  it("joins a transaction opened inside another, which rolls back with it", async () => {
    const ports = fakePorts();

    const failure = ports.unitOfWork.transaction(async () => {
      await ports.unitOfWork.transaction(() => ports.users.add(aUser()));
      throw new Error("outer fails");
    });

    await expect(failure).rejects.toThrow("outer fails");
    expect(await ports.users.count()).toBe(0);
    expect(ports.unitOfWork.transactions).toHaveLength(1);
  });
});

describe("the other fakes", () => {
  it("hash like a real hasher: salted, and verifying only their own hashes", async () => {
    const hasher = new FakePasswordHasher();
    const first = await hasher.hash("secret");
    const second = await hasher.hash("secret");

    expect(first).not.toBe(second);
    expect(first).not.toContain("secret");
    expect(await hasher.verify(first, "secret")).toBe(true);
    expect(await hasher.verify(first, "Secret")).toBe(false);
    expect(await hasher.verify("$argon2id$foreign", "secret")).toBe(false);
  });

  it("issue tokens that verify only as their own type and only until they expire", async () => {
    const clock = new FakeClock();
    const tokens = new FakeTokenService(clock);
    const claims = { userId: "u", sessionId: "s", tokenId: "t", tokenVersion: 0 };
    const options = { issuedAt: clock.now(), notAfter: new Date(clock.now().getTime() + 30 * 86_400_000) };
    const access = await tokens.issueAccessToken(claims, options);
    const refresh = await tokens.issueRefreshToken({ ...claims, tokenId: "t2" }, options);
    expect((await tokens.issueAccessToken(claims, options)).token).toBe(access.token);

    expect(await tokens.verifyAccessToken(access.token)).toEqual(claims);
    await expect(tokens.verifyRefreshToken(access.token)).rejects.toMatchObject({
      reason: "not a token of type refresh",
    });
    await expect(tokens.verifyAccessToken("forged")).rejects.toMatchObject({ code: "INVALID_TOKEN" });
    clock.advance(minutes(15));
    await expect(tokens.verifyAccessToken(access.token)).rejects.toMatchObject({ reason: "expired" });
    expect((await tokens.verifyRefreshToken(refresh.token)).tokenId).toBe("t2");
  });

  it("keep time still until told, and make ids in order", () => {
    const clock = new FakeClock();
    const ids = new SequentialIdGenerator();

    expect(clock.now()).toEqual(START);
    clock.advance(1);
    expect(clock.now().getTime()).toBe(START.getTime() + 1);
    const [a, b] = [ids.newId(), ids.newId()];
    expect(a < b).toBe(true);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
