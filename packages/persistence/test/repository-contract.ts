import { randomUUID } from "node:crypto";
import {
  canonicalUsername,
  TASK_ORDERING_FIELDS,
  TASK_STATUSES,
  type Task,
  type TaskOrdering,
  type TaskPageRequest,
  type TaskStatus,
  User,
  UsernameTaken,
} from "@tasks/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, type Engine, ormOf } from "../src/database.ts";
import { openTestDatabase, type TestDatabase } from "../testing/index.ts";
import { aSession, aTask, aUser, ids, minutesAfterStart, START, sortTasks } from "./builders.ts";

const NOT_A_UUID = "not-a-uuid";

/** The one contract every engine must honour, registered once per engine. */
export function repositoryContract(engine: Engine): void {
  let test: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    test = await openTestDatabase(engine, { inMemory: true });
    db = test.database;
  });
  afterAll(async () => {
    await test?.close();
  });

  /** Runs raw SQL, for checking what the database itself refuses. */
  async function sql(statement: string, params: unknown[] = []): Promise<unknown> {
    return ormOf(db).em.fork().execute(statement, params);
  }

  async function storedUser(overrides: Parameters<typeof aUser>[0] = {}): Promise<User> {
    const user = aUser(overrides);
    await db.users.add(user);
    return user;
  }

  describe("UserRepository", () => {
    it("stores a user and finds it by id with every field", async () => {
      const user = aUser({
        email: "alice@example.com",
        isStaff: true,
        isSuperuser: true,
        isActive: false,
        lastLogin: new Date("2025-03-02T10:11:12.345Z"),
        tokenVersion: 3,
      });
      await db.users.add(user);
      expect(await db.users.findById(user.id)).toEqual(user);
    });

    it("finds nothing for an unknown id or a string that is not an id", async () => {
      expect(await db.users.findById(randomUUID())).toBeNull();
      expect(await db.users.findById(NOT_A_UUID)).toBeNull();
      expect(await db.users.findById("")).toBeNull();
    });

    it("finds a user by username in any case", async () => {
      const user = await storedUser({ username: `Alice-${randomUUID().slice(0, 6)}` });
      expect(await db.users.findByUsername(user.username.toUpperCase())).toEqual(user);
      expect(await db.users.findByUsername(user.username.toLowerCase())).toEqual(user);
      expect(await db.users.findByUsername(`${user.username}x`)).toBeNull();
    });

    it("finds a user by a username typed in another Unicode form (NFKC)", async () => {
      const user = await storedUser({ username: `carol-${randomUUID().slice(0, 6)}` });
      const fullwidth = user.username.replace("carol", "ＣＡＲＯＬ");
      expect(await db.users.findByUsername(fullwidth)).toEqual(user);
    });

    it("compares non-ASCII usernames case-insensitively too", async () => {
      const user = await storedUser({ username: `Ärger-${randomUUID().slice(0, 6)}` });
      expect(await db.users.findByUsername(user.username.toLowerCase())).toEqual(user);
      await expect(db.users.add(aUser({ username: user.username.toUpperCase() }))).rejects.toBeInstanceOf(
        UsernameTaken,
      );
    });

    it("refuses a username already taken in another case, and writes nothing", async () => {
      const user = await storedUser({ username: `bob-${randomUUID().slice(0, 6)}` });
      const before = await db.users.count();
      const clash = aUser({ username: user.username.toUpperCase() });
      const error = await db.users.add(clash).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UsernameTaken);
      expect((error as UsernameTaken).errors).toEqual({ username: ["A user with that username already exists."] });
      expect(await db.users.count()).toBe(before);
      expect(await db.users.findById(clash.id)).toBeNull();
    });

    it("refuses usernames that fold to one key: Straße and STRASSE, σοφος and ΣΟΦΟΣ", async () => {
      const suffix = randomUUID().slice(0, 6);
      for (const [first, second] of [
        [`straße-${suffix}`, `STRASSE-${suffix}`],
        [`σοφος-${suffix}`, `ΣΟΦΟΣ-${suffix}`],
      ] as const) {
        const user = await storedUser({ username: first });
        await expect(db.users.add(aUser({ username: second }))).rejects.toBeInstanceOf(UsernameTaken);
        expect(await db.users.findByUsername(second)).toEqual(user);
      }
    });

    it("tells İRIS from iris, as the throttle does", async () => {
      const suffix = randomUUID().slice(0, 6);
      const iris = await storedUser({ username: `iris-${suffix}` });
      const dotted = await storedUser({ username: `İRIS-${suffix}` });
      expect(await db.users.findByUsername(`IRIS-${suffix}`)).toEqual(iris);
      expect(await db.users.findByUsername(`i\u0307ris-${suffix}`)).toEqual(dotted);
    });

    it("records a login by writing the last login alone", async () => {
      const user = await storedUser({ tokenVersion: 2 });
      const at = new Date("2025-04-01T00:00:00.001Z");
      await db.users.recordLogin(user.id, at);
      expect(await db.users.findById(user.id)).toEqual(User.rehydrate({ ...user, lastLogin: at }));
      await expect(db.users.recordLogin(randomUUID(), at)).resolves.toBeUndefined();
      await expect(db.users.recordLogin(NOT_A_UUID, at)).resolves.toBeUndefined();
    });

    it("changes a password and bumps the token version in one write", async () => {
      const user = await storedUser({ tokenVersion: 2 });
      const changed = await db.users.changePassword(user.id, "another-hash");
      const expected = User.rehydrate({ ...user, passwordHash: "another-hash", tokenVersion: 3 });
      expect(changed).toEqual(expected);
      expect(await db.users.findById(user.id)).toEqual(expected);
      expect(await db.users.changePassword(randomUUID(), "x")).toBeNull();
      expect(await db.users.changePassword(NOT_A_UUID, "x")).toBeNull();
    });

    it("deactivates an active user bumping the token version, and leaves an inactive one as it is", async () => {
      const user = await storedUser({ tokenVersion: 2 });
      const expected = User.rehydrate({ ...user, isActive: false, tokenVersion: 3 });
      expect(await db.users.deactivate(user.id)).toEqual(expected);
      expect(await db.users.deactivate(user.id)).toEqual(expected);
      expect(await db.users.findById(user.id)).toEqual(expected);
      expect(await db.users.deactivate(randomUUID())).toBeNull();
      expect(await db.users.deactivate(NOT_A_UUID)).toBeNull();
    });

    it("activates a user without touching the token version", async () => {
      const user = await storedUser({ isActive: false, tokenVersion: 2 });
      const expected = User.rehydrate({ ...user, isActive: true });
      expect(await db.users.activate(user.id)).toEqual(expected);
      expect(await db.users.findById(user.id)).toEqual(expected);
      expect(await db.users.activate(randomUUID())).toBeNull();
      expect(await db.users.activate(NOT_A_UUID)).toBeNull();
    });

    it("loses neither change when logins are recorded while the user is deactivated and given a new password", async () => {
      const user = await storedUser({ tokenVersion: 0 });
      const logins = Array.from({ length: 30 }, (_, index) =>
        db.users.recordLogin(user.id, new Date(START.getTime() + index)),
      );
      const [deactivated, changed] = await Promise.all([
        db.users.deactivate(user.id),
        db.users.changePassword(user.id, "another-hash"),
        ...logins,
      ]);
      const stored = await db.users.findById(user.id);
      expect(stored).toMatchObject({ isActive: false, passwordHash: "another-hash", tokenVersion: 2 });
      expect(stored?.lastLogin).not.toBeNull();
      expect([deactivated?.tokenVersion, changed?.tokenVersion].sort()).toEqual([1, 2]);
    });

    it("deletes a user with its tasks and sessions, and says whether there was one", async () => {
      const user = await storedUser();
      const task = aTask(user.id);
      const session = aSession(user.id);
      await db.tasks.add(task);
      await db.sessions.add(session);
      expect(await db.users.delete(user.id)).toBe(true);
      expect(await db.users.findById(user.id)).toBeNull();
      expect(await db.tasks.findById(task.id)).toBeNull();
      expect(await db.sessions.findById(session.id)).toBeNull();
      expect(await db.users.delete(user.id)).toBe(false);
      expect(await db.users.delete(NOT_A_UUID)).toBe(false);
    });

    it("lists every user oldest first, then by id, and counts them", async () => {
      const joined = new Date("2020-01-01T00:00:00.000Z");
      const [a, b] = [aUser({ dateJoined: joined }), aUser({ dateJoined: joined })];
      const older = aUser({ dateJoined: new Date("2019-01-01T00:00:00.000Z") });
      for (const user of [a, b, older]) await db.users.add(user);
      const listed = await db.users.list();
      expect(listed.length).toBe(await db.users.count());
      const sameDay = [a, b].sort((x, y) => (x.id < y.id ? -1 : 1));
      const positions = [older, ...sameDay].map((user) => listed.findIndex((found) => found.id === user.id));
      expect(positions).toEqual([...positions].sort((x, y) => x - y));
      expect(positions[0]).toBe(0);
    });
  });

  describe("TaskRepository", () => {
    it("stores a task and finds it by id with every field, to the millisecond", async () => {
      const owner = await storedUser();
      const task = aTask(owner.id, {
        title: "Ship it",
        description: "all of it",
        status: "doing",
        createdAt: new Date("2025-03-01T09:00:00.123Z"),
        updatedAt: new Date("2025-03-01T09:05:00.456Z"),
      });
      await db.tasks.add(task);
      expect(await db.tasks.findById(task.id)).toEqual(task);
    });

    it("finds nothing for an unknown id or a string that is not an id", async () => {
      expect(await db.tasks.findById(randomUUID())).toBeNull();
      expect(await db.tasks.findById(NOT_A_UUID)).toBeNull();
    });

    it("updates title, description, status and updated_at, never created_at or the owner", async () => {
      const owner = await storedUser();
      const task = aTask(owner.id);
      await db.tasks.add(task);
      const changed = task.update({ title: "New title", description: "more", status: "done" }, minutesAfterStart(5));
      await db.tasks.update(changed);
      const found = await db.tasks.findById(task.id);
      expect(found).toEqual(changed);
      expect(found?.createdAt).toEqual(task.createdAt);
    });

    it("deletes a task and says whether there was one", async () => {
      const owner = await storedUser();
      const task = aTask(owner.id);
      await db.tasks.add(task);
      expect(await db.tasks.delete(task.id)).toBe(true);
      expect(await db.tasks.findById(task.id)).toBeNull();
      expect(await db.tasks.delete(task.id)).toBe(false);
      expect(await db.tasks.delete(NOT_A_UUID)).toBe(false);
    });

    describe("listForOwner", () => {
      const titles = ["banana", "Apple", "cherry", "apple pie", "Date", "banana", "elder"];
      let owner: User;
      let tasks: Task[];

      beforeAll(async () => {
        owner = await storedUser();
        const other = await storedUser();
        tasks = [];
        // 21 tasks: created in pairs at the same instant (the id must break the tie), updated in
        // another order, with every status and repeated titles.
        for (let i = 0; i < 21; i++) {
          tasks.push(
            aTask(owner.id, {
              title: titles[i % titles.length] ?? "x",
              status: TASK_STATUSES[(i * 2) % 3] ?? "todo",
              createdAt: minutesAfterStart(Math.floor(i / 2)),
              updatedAt: minutesAfterStart(100 - ((i * 7) % 21)),
            }),
          );
        }
        await db.unitOfWork.transaction(async () => {
          for (const task of tasks) await db.tasks.add(task);
          await db.tasks.add(aTask(other.id));
        });
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
          const result = await db.tasks.listForOwner(owner.id, { page, pageSize, ordering, statuses });
          if (result.items.length === 0) return seen;
          seen.push(...result.items);
        }
      }

      it("lists only the owner's tasks, newest first by default with the id breaking ties", async () => {
        const page = await db.tasks.listForOwner(owner.id, request());
        expect(page.count).toBe(21);
        expect(ids(page.items)).toEqual(ids(sortTasks(tasks, [{ field: "created_at", direction: "desc" }])));
        expect(page.items).toEqual(sortTasks(tasks, [{ field: "created_at", direction: "desc" }]));
      });

      for (const field of TASK_ORDERING_FIELDS)
        for (const direction of ["asc", "desc"] as const)
          it(`orders by ${direction === "desc" ? "-" : ""}${field} across pages that never overlap or skip`, async () => {
            const ordering: TaskOrdering = [{ field, direction }];
            const paged = await allPages(ordering, 4);
            expect(ids(paged)).toEqual(ids(sortTasks(tasks, ordering)));
          });

      it("sorts status in workflow order todo, doing, done", async () => {
        const page = await db.tasks.listForOwner(
          owner.id,
          request({ ordering: [{ field: "status", direction: "asc" }] }),
        );
        const statuses = page.items.map((task) => task.status);
        expect(statuses).toEqual([...statuses].sort((a, b) => TASK_STATUSES.indexOf(a) - TASK_STATUSES.indexOf(b)));
        expect(statuses[0]).toBe("todo");
        expect(statuses.at(-1)).toBe("done");
      });

      it("orders titles case-insensitively first (ICU root collation)", async () => {
        const page = await db.tasks.listForOwner(
          owner.id,
          request({ ordering: [{ field: "title", direction: "asc" }] }),
        );
        const distinct = [...new Set(page.items.map((task) => task.title))];
        expect(distinct).toEqual(["Apple", "apple pie", "banana", "cherry", "Date", "elder"]);
      });

      it("orders by several terms, the id following the direction of the last", async () => {
        const ordering: TaskOrdering = [
          { field: "status", direction: "desc" },
          { field: "title", direction: "asc" },
        ];
        expect(ids(await allPages(ordering, 5))).toEqual(ids(sortTasks(tasks, ordering)));
        const reversed: TaskOrdering = [
          { field: "title", direction: "asc" },
          { field: "created_at", direction: "desc" },
        ];
        expect(ids(await allPages(reversed, 3))).toEqual(ids(sortTasks(tasks, reversed)));
      });

      it("filters by one status or several, counting only the matches", async () => {
        for (const statuses of [["doing"], ["todo", "done"]] as TaskStatus[][]) {
          const expected = sortTasks(
            tasks.filter((task) => statuses.includes(task.status)),
            [{ field: "created_at", direction: "desc" }],
          );
          const page = await db.tasks.listForOwner(owner.id, request({ statuses, pageSize: 3 }));
          expect(page.count).toBe(expected.length);
          expect(ids(page.items)).toEqual(ids(expected.slice(0, 3)));
          expect(ids(await allPages([{ field: "updated_at", direction: "asc" }], 2, statuses))).toEqual(
            ids(sortTasks(expected, [{ field: "updated_at", direction: "asc" }])),
          );
        }
      });

      it("pages at the boundaries: a full last page, then nothing past the end", async () => {
        const ordering: TaskOrdering = [{ field: "created_at", direction: "asc" }];
        const sorted = sortTasks(tasks, ordering);
        // 21 tasks, 7 a page: exactly 3 full pages.
        const third = await db.tasks.listForOwner(owner.id, request({ ordering, pageSize: 7, page: 3 }));
        expect(ids(third.items)).toEqual(ids(sorted.slice(14, 21)));
        expect(third.count).toBe(21);
        const fourth = await db.tasks.listForOwner(owner.id, request({ ordering, pageSize: 7, page: 4 }));
        expect(fourth).toEqual({ items: [], count: 21 });
        const farAway = await db.tasks.listForOwner(owner.id, request({ ordering, pageSize: 20, page: 50 }));
        expect(farAway).toEqual({ items: [], count: 21 });
        const partial = await db.tasks.listForOwner(owner.id, request({ ordering, pageSize: 20, page: 2 }));
        expect(ids(partial.items)).toEqual(ids(sorted.slice(20)));
      });

      it("gives an empty first page with a count of 0 for an owner without tasks", async () => {
        const lonely = await storedUser();
        expect(await db.tasks.listForOwner(lonely.id, request())).toEqual({ items: [], count: 0 });
        expect(await db.tasks.listForOwner(randomUUID(), request())).toEqual({ items: [], count: 0 });
        expect(await db.tasks.listForOwner(NOT_A_UUID, request())).toEqual({ items: [], count: 0 });
      });
    });

    describe("list (the operator's view)", () => {
      let alice: User;
      let bob: User;
      let aliceTasks: Task[];
      let bobTask: Task;

      beforeAll(async () => {
        alice = await storedUser();
        bob = await storedUser();
        aliceTasks = [
          aTask(alice.id, { title: "Buy MILK", status: "todo", createdAt: minutesAfterStart(1) }),
          aTask(alice.id, {
            title: "Call",
            description: "about the milkman",
            status: "doing",
            createdAt: minutesAfterStart(2),
          }),
          aTask(alice.id, { title: "100% done_ish", status: "done", createdAt: minutesAfterStart(3) }),
        ];
        bobTask = aTask(bob.id, { title: "milk too", createdAt: minutesAfterStart(4) });
        for (const task of [...aliceTasks, bobTask]) await db.tasks.add(task);
      });

      it("filters by owner and lists newest first", async () => {
        expect(ids(await db.tasks.list({ ownerId: alice.id }))).toEqual(ids([...aliceTasks].reverse()));
        expect(await db.tasks.list({ ownerId: NOT_A_UUID })).toEqual([]);
      });

      it("filters by statuses", async () => {
        expect(ids(await db.tasks.list({ ownerId: alice.id, statuses: ["todo", "done"] }))).toEqual(
          ids([aliceTasks[2], aliceTasks[0]] as Task[]),
        );
      });

      it("searches title and description case-insensitively, across owners", async () => {
        const found = ids(await db.tasks.list({ search: "MiLk" }));
        expect(found).toEqual(expect.arrayContaining(ids([aliceTasks[0], aliceTasks[1], bobTask] as Task[])));
        expect(ids(await db.tasks.list({ ownerId: alice.id, search: "milk" }))).toEqual(
          ids([aliceTasks[1], aliceTasks[0]] as Task[]),
        );
      });

      it("matches % and _ in a search literally", async () => {
        expect(ids(await db.tasks.list({ ownerId: alice.id, search: "100%" }))).toEqual([aliceTasks[2]?.id]);
        expect(ids(await db.tasks.list({ ownerId: alice.id, search: "e_i" }))).toEqual([aliceTasks[2]?.id]);
        expect(await db.tasks.list({ ownerId: alice.id, search: "%%" })).toEqual([]);
      });

      it("lists every task when no filter is given", async () => {
        const all = ids(await db.tasks.list({}));
        expect(all).toEqual(expect.arrayContaining(ids([...aliceTasks, bobTask])));
      });
    });
  });

  describe("SessionRepository", () => {
    it("stores a session and finds it by id with every field", async () => {
      const user = await storedUser();
      const session = aSession(user.id, { rotatedFrom: randomUUID(), revokedAt: new Date("2025-03-05T00:00:00.007Z") });
      await db.sessions.add(session);
      expect(await db.sessions.findById(session.id)).toEqual(session);
      expect(await db.sessions.findById(randomUUID())).toBeNull();
      expect(await db.sessions.findById(NOT_A_UUID)).toBeNull();
    });

    it("rotates only from the current refresh token of a session that is not revoked", async () => {
      const user = await storedUser();
      const session = aSession(user.id);
      await db.sessions.add(session);
      const rotated = session.rotate(randomUUID(), new Date("2025-03-20T00:00:00.000Z"));
      expect(await db.sessions.replaceIfCurrent(rotated, session.refreshTokenId)).toBe(true);
      expect(await db.sessions.findById(session.id)).toEqual(rotated);
      // The spent token cannot rotate again.
      const replay = session.rotate(randomUUID(), new Date("2025-03-21T00:00:00.000Z"));
      expect(await db.sessions.replaceIfCurrent(replay, session.refreshTokenId)).toBe(false);
      expect(await db.sessions.replaceIfCurrent(replay, NOT_A_UUID)).toBe(false);
      expect(await db.sessions.findById(session.id)).toEqual(rotated);
      // Nor can the current one, once the session is revoked.
      const revoked = rotated.revoke(new Date("2025-03-10T00:00:00.000Z"));
      await db.sessions.update(revoked);
      expect(await db.sessions.findById(session.id)).toEqual(revoked);
      const afterRevoke = rotated.rotate(randomUUID(), new Date("2025-03-22T00:00:00.000Z"));
      expect(await db.sessions.replaceIfCurrent(afterRevoke, rotated.refreshTokenId)).toBe(false);
      expect(await db.sessions.findById(session.id)).toEqual(revoked);
    });

    it("lets exactly one of many concurrent rotations from the same token win", async () => {
      const user = await storedUser();
      const session = aSession(user.id);
      await db.sessions.add(session);
      const contenders = Array.from({ length: 6 }, () => session.rotate(randomUUID(), session.expiresAt));
      // Each rotation holds its transaction open a little after writing, so the others really
      // wait on the same row instead of running one after the other by luck.
      const outcomes = await Promise.all(
        contenders.map((rotated) =>
          db.unitOfWork.transaction(async () => {
            const won = await db.sessions.replaceIfCurrent(rotated, session.refreshTokenId);
            await new Promise((resolve) => setTimeout(resolve, 50));
            return won;
          }),
        ),
      );
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      const winner = contenders[outcomes.indexOf(true)];
      expect((await db.sessions.findById(session.id))?.refreshTokenId).toBe(winner?.refreshTokenId);
    });
  });

  describe("UnitOfWork and contexts", () => {
    it("commits every write of a transaction together", async () => {
      const user = aUser();
      const task = aTask(user.id);
      await db.unitOfWork.transaction(async () => {
        await db.users.add(user);
        await db.tasks.add(task);
      });
      expect(await db.tasks.findById(task.id)).toEqual(task);
    });

    it("rolls every write back when the work throws, and rethrows its error", async () => {
      const user = aUser();
      const task = aTask(user.id);
      const failure = new Error("changed my mind");
      await expect(
        db.unitOfWork.transaction(async () => {
          await db.users.add(user);
          await db.tasks.add(task);
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await db.users.findById(user.id)).toBeNull();
      expect(await db.tasks.findById(task.id)).toBeNull();
    });

    it("rolls back a transaction whose username clashes, reporting UsernameTaken", async () => {
      const taken = await storedUser();
      const other = aUser();
      await expect(
        db.unitOfWork.transaction(async () => {
          await db.users.add(other);
          await db.users.add(aUser({ username: taken.username.toUpperCase() }));
        }),
      ).rejects.toBeInstanceOf(UsernameTaken);
      expect(await db.users.findById(other.id)).toBeNull();
    });

    it("answers a readiness ping", async () => {
      await expect(db.ping(5_000)).resolves.toBeUndefined();
    });
  });

  describe("constraints kept by the database itself", () => {
    let owner: User;
    beforeAll(async () => {
      owner = await storedUser();
    });

    const insertTask = (values: { owner?: string; title?: string; status?: string; description?: string }) =>
      sql(
        "insert into tasks (id, owner_id, title, description, status, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)",
        [
          randomUUID(),
          values.owner ?? owner.id,
          values.title ?? "fine",
          values.description ?? "",
          values.status ?? "todo",
          START,
          START,
        ],
      );

    it("accepts a valid row written by hand, so the refusals below are about the values", async () => {
      await expect(insertTask({})).resolves.toBeDefined();
    });

    it("refuses a status outside todo, doing, done", async () => {
      await expect(insertTask({ status: "blocked" })).rejects.toThrow(/task_status/);
    });

    it("refuses an empty title and one over 200 characters", async () => {
      await expect(insertTask({ title: "" })).rejects.toThrow(/tasks_title_length_check/);
      await expect(insertTask({ title: "x".repeat(201) })).rejects.toThrow(/tasks_title_length_check/);
      await expect(insertTask({ title: "x".repeat(200) })).resolves.toBeDefined();
    });

    it("refuses a description over 10,000 characters", async () => {
      await expect(insertTask({ description: "x".repeat(10_001) })).rejects.toThrow(/tasks_description_length_check/);
    });

    it("refuses a task whose owner does not exist", async () => {
      await expect(insertTask({ owner: randomUUID() })).rejects.toThrow(/tasks_owner_id_foreign/);
    });

    it("refuses a second user with the same username key", async () => {
      await expect(
        sql("insert into users (id, username, username_key, password_hash, date_joined) values (?, ?, ?, 'x', ?)", [
          randomUUID(),
          owner.username.toUpperCase(),
          canonicalUsername(owner.username),
          START,
        ]),
      ).rejects.toThrow(/users_username_key_unique/);
    });

    it("refuses a session of a user who does not exist", async () => {
      await expect(db.sessions.add(aSession(randomUUID()))).rejects.toThrow(/sessions_user_id_foreign/);
    });
  });
}
