import {
  type SessionRepository,
  type TaskRepository,
  type UnitOfWork,
  USER_ORDERING_FIELDS,
  User,
  type UserFilter,
  UsernameTaken,
  type UserOrdering,
  type UserRepository,
} from "../index.ts";
import { anId, aSession, aTask, aUser } from "./builders.ts";
import type { ContractTestApi } from "./contract-test-api.ts";
import { START } from "./fake-clock.ts";
import { compareIds, sortUsers } from "./task-order.ts";

/** The repositories one storage offers: the user contract needs all of them (deleting a user deletes the rest). */
export interface StorageUnderTest {
  readonly users: UserRepository;
  readonly tasks: TaskRepository;
  readonly sessions: SessionRepository;
  readonly unitOfWork: UnitOfWork;
}

const NOT_AN_ID = "not-an-id";

/** What every `UserRepository` must do, whatever it stores in. */
export function userRepositoryContract(t: ContractTestApi, open: () => Promise<StorageUnderTest>): void {
  const { describe, it, beforeAll, expect } = t;
  let storage: StorageUnderTest;
  let users: UserRepository;

  beforeAll(async () => {
    storage = await open();
    users = storage.users;
  });

  async function stored(overrides: Parameters<typeof aUser>[0] = {}): Promise<User> {
    const user = aUser(overrides);
    await users.add(user);
    return user;
  }

  /** A username no other test uses, built around `core`. */
  const unique = (core: string) => `${core}-${anId().slice(-6)}`;

  it("stores a user and finds it by id with every field", async () => {
    const user = await stored({
      email: "alice@example.com",
      isStaff: true,
      isSuperuser: true,
      isActive: false,
      lastLogin: new Date("2025-03-02T10:11:12.345Z"),
      tokenVersion: 3,
    });
    expect(await users.findById(user.id)).toEqual(user);
  });

  it("finds nothing for an unknown id or a string that is not an id", async () => {
    expect(await users.findById(anId())).toBeNull();
    expect(await users.findById(NOT_AN_ID)).toBeNull();
    expect(await users.findById("")).toBeNull();
  });

  it("finds a user by username in any case", async () => {
    const user = await stored({ username: unique("Alice") });
    expect(await users.findByUsername(user.username.toUpperCase())).toEqual(user);
    expect(await users.findByUsername(user.username.toLowerCase())).toEqual(user);
    expect(await users.findByUsername(`${user.username}x`)).toBeNull();
  });

  it("finds a user by a username typed in another Unicode form (NFKC)", async () => {
    const user = await stored({ username: unique("carol") });
    expect(await users.findByUsername(user.username.replace("carol", "ＣＡＲＯＬ"))).toEqual(user);
  });

  it("compares non-ASCII usernames case-insensitively too", async () => {
    const user = await stored({ username: unique("Ärger") });
    expect(await users.findByUsername(user.username.toLowerCase())).toEqual(user);
    await expect(users.add(aUser({ username: user.username.toUpperCase() }))).rejects.toBeInstanceOf(UsernameTaken);
  });

  it("refuses a username already taken in another case, and writes nothing", async () => {
    const user = await stored({ username: unique("bob") });
    const before = await users.count();
    const clash = aUser({ username: user.username.toUpperCase() });
    await expect(users.add(clash)).rejects.toBeInstanceOf(UsernameTaken);
    await expect(users.add(clash)).rejects.toEqual(new UsernameTaken(clash.username));
    expect(await users.count()).toBe(before);
    expect(await users.findById(clash.id)).toBeNull();
  });

  it("refuses usernames that fold to one key: Straße and STRASSE, σοφος and ΣΟΦΟΣ", async () => {
    for (const [first, second] of [
      ["straße", "STRASSE"],
      ["σοφος", "ΣΟΦΟΣ"],
    ] as const) {
      const suffix = anId().slice(-6);
      const user = await stored({ username: `${first}-${suffix}` });
      await expect(users.add(aUser({ username: `${second}-${suffix}` }))).rejects.toBeInstanceOf(UsernameTaken);
      expect(await users.findByUsername(`${second}-${suffix}`)).toEqual(user);
    }
  });

  it("tells İRIS from iris, as the login throttle does", async () => {
    const suffix = anId().slice(-6);
    const iris = await stored({ username: `iris-${suffix}` });
    const dotted = await stored({ username: `İRIS-${suffix}` });
    expect(await users.findByUsername(`IRIS-${suffix}`)).toEqual(iris);
    expect(await users.findByUsername(`i\u0307ris-${suffix}`)).toEqual(dotted);
  });

  it("records a login by writing the last login alone", async () => {
    const user = await stored({ tokenVersion: 2 });
    const at = new Date("2025-04-01T00:00:00.001Z");
    await users.recordLogin(user.id, at);
    expect(await users.findById(user.id)).toEqual(User.rehydrate({ ...user, lastLogin: at }));
    await expect(users.recordLogin(anId(), at)).resolves.toBeUndefined();
    await expect(users.recordLogin(NOT_AN_ID, at)).resolves.toBeUndefined();
  });

  it("changes a password and bumps the token version in one write", async () => {
    const user = await stored({ tokenVersion: 2 });
    const expected = User.rehydrate({ ...user, passwordHash: "another-hash", tokenVersion: 3 });
    expect(await users.changePassword(user.id, "another-hash")).toEqual(expected);
    expect(await users.findById(user.id)).toEqual(expected);
    expect(await users.changePassword(anId(), "x")).toBeNull();
    expect(await users.changePassword(NOT_AN_ID, "x")).toBeNull();
  });

  it("deactivates an active user bumping the token version, and leaves an inactive one as it is", async () => {
    const user = await stored({ tokenVersion: 2 });
    const expected = User.rehydrate({ ...user, isActive: false, tokenVersion: 3 });
    expect(await users.deactivate(user.id)).toEqual(expected);
    expect(await users.deactivate(user.id)).toEqual(expected);
    expect(await users.findById(user.id)).toEqual(expected);
    expect(await users.deactivate(anId())).toBeNull();
    expect(await users.deactivate(NOT_AN_ID)).toBeNull();
  });

  it("activates a user without touching the token version", async () => {
    const user = await stored({ isActive: false, tokenVersion: 2 });
    const expected = User.rehydrate({ ...user, isActive: true });
    expect(await users.activate(user.id)).toEqual(expected);
    expect(await users.findById(user.id)).toEqual(expected);
    expect(await users.activate(anId())).toBeNull();
    expect(await users.activate(NOT_AN_ID)).toBeNull();
  });

  it("loses no change when logins are recorded while the user is deactivated and given a new password", async () => {
    const user = await stored({ tokenVersion: 0 });
    const logins = Array.from({ length: 30 }, (_, index) =>
      users.recordLogin(user.id, new Date(START.getTime() + index)),
    );
    const [deactivated, changed] = await Promise.all([
      users.deactivate(user.id),
      users.changePassword(user.id, "another-hash"),
      ...logins,
    ]);
    const after = await users.findById(user.id);
    expect(after).toMatchObject({ isActive: false, passwordHash: "another-hash", tokenVersion: 2 });
    expect(after?.lastLogin).not.toBeNull();
    expect([deactivated?.tokenVersion, changed?.tokenVersion].sort()).toEqual([1, 2]);
  });

  it("deletes a user with its tasks and sessions, and says whether there was one", async () => {
    const user = await stored();
    const task = aTask({ ownerId: user.id });
    const session = aSession({ userId: user.id });
    await storage.tasks.add(task);
    await storage.sessions.add(session);
    expect(await users.delete(user.id)).toBe(true);
    expect(await users.findById(user.id)).toBeNull();
    expect(await storage.tasks.findById(task.id)).toBeNull();
    expect(await storage.sessions.findById(session.id)).toBeNull();
    expect(await users.delete(user.id)).toBe(false);
    expect(await users.delete(NOT_AN_ID)).toBe(false);
  });

  it("lists the users oldest first, then by id, a page at a time, with how many there are", async () => {
    const joined = new Date("2020-01-01T00:00:00.000Z");
    const older = await stored({ dateJoined: new Date("2019-01-01T00:00:00.000Z") });
    const [a, b] = [await stored({ dateJoined: joined }), await stored({ dateJoined: joined })];
    const all = await users.list({ page: 1, pageSize: 1_000 });
    expect(all.count).toBe(await users.count());
    expect(all.items).toHaveLength(all.count);
    const positions = [older, a, b].map((user) => all.items.findIndex((found) => found.id === user.id));
    expect(positions).toEqual([...positions].sort((x, y) => x - y));
    expect(positions[0]).toBe(0);

    const second = await users.list({ page: 2, pageSize: 1 });
    expect(second).toEqual({ items: [all.items[1]], count: all.count });
    expect((await users.list({ page: all.count + 1, pageSize: 1 })).items).toEqual([]);
  });

  it("finds the users of a list of ids, leaving out the unknown and the malformed", async () => {
    const [a, b] = [await stored(), await stored()];
    const found = await users.findByIds([b.id, NOT_AN_ID, a.id, anId()]);
    expect(found.map((user) => user.id).sort()).toEqual([a.id, b.id].sort());
    expect(await users.findByIds([])).toEqual([]);
  });

  it("locks the users of a list of ids inside a transaction, answering them by id and leaving out the unknown and the malformed", async () => {
    const [a, b] = [await stored(), await stored()];
    const locked = await storage.unitOfWork.transaction(() => users.lockByIds([b.id, NOT_AN_ID, a.id, anId(), b.id]));
    expect(locked.map((user) => user.id)).toEqual([a.id, b.id].sort(compareIds));
    expect(locked.find((user) => user.id === a.id)).toEqual(a);
    expect(await users.lockByIds([])).toEqual([]);
  });

  describe("updateProfile", () => {
    it("writes the given profile fields and nothing else: password, activity, token version and dates stay", async () => {
      const user = await stored({
        isActive: false,
        tokenVersion: 3,
        passwordHash: "kept-hash",
        lastLogin: new Date("2025-05-01T00:00:00.000Z"),
      });
      const changes = { username: unique("Renamed"), email: "renamed@example.com", isStaff: true, isSuperuser: true };
      const expected = User.rehydrate({ ...user, ...changes });
      expect(await users.updateProfile(user.id, changes)).toEqual(expected);
      expect(await users.findById(user.id)).toEqual(expected);
      expect(await users.findByUsername(changes.username.toUpperCase())).toEqual(expected);
      expect(await users.findByUsername(user.username)).toBeNull();
    });

    it("leaves a member left out or undefined as it is, and a user given no change as it was", async () => {
      const user = await stored({ isStaff: true, email: "before@example.com" });
      const emailOnly = User.rehydrate({ ...user, email: "after@example.com" });
      expect(await users.updateProfile(user.id, { email: "after@example.com", isStaff: undefined })).toEqual(emailOnly);
      expect(await users.updateProfile(user.id, {})).toEqual(emailOnly);
      expect(await users.updateProfile(user.id, { isStaff: false })).toEqual(
        User.rehydrate({ ...emailOnly, isStaff: false }),
      );
    });

    it("refuses another user's username in any case with UsernameTaken, and writes nothing", async () => {
      const [taken, user] = [await stored({ username: unique("Taken") }), await stored()];
      const attempt = taken.username.toLowerCase();
      await expect(users.updateProfile(user.id, { username: attempt, email: "x@example.com" })).rejects.toEqual(
        new UsernameTaken(attempt),
      );
      await expect(users.updateProfile(user.id, { username: attempt })).rejects.toBeInstanceOf(UsernameTaken);
      expect(await users.findById(user.id)).toEqual(user);
      expect(await users.findById(taken.id)).toEqual(taken);
    });

    it("lets a user take its own username in another case", async () => {
      const user = await stored({ username: unique("casey") });
      const expected = User.rehydrate({ ...user, username: user.username.toUpperCase() });
      expect(await users.updateProfile(user.id, { username: user.username.toUpperCase() })).toEqual(expected);
      expect(await users.findByUsername(user.username)).toEqual(expected);
    });

    it("answers null for an unknown id, even with a taken username, and for a string that is not an id", async () => {
      const taken = await stored();
      expect(await users.updateProfile(anId(), { email: "nobody@example.com" })).toBeNull();
      expect(await users.updateProfile(anId(), { username: taken.username })).toBeNull();
      expect(await users.updateProfile(NOT_AN_ID, { email: "nobody@example.com" })).toBeNull();
      expect(await users.updateProfile(NOT_AN_ID, {})).toBeNull();
    });
  });

  describe("list with filters, search and ordering", () => {
    // Every user of these tests has `marker` in its username, so that searching for it lists
    // them alone, whoever else the storage holds.
    const marker = `zq${anId().slice(-5)}`;
    const joined = (day: number) => new Date(Date.UTC(2021, 0, day));
    let own: User[];

    const listed = async (filter: UserFilter, ordering?: UserOrdering, pageSize = 1_000) =>
      users.list({ page: 1, pageSize }, { search: marker, ...filter }, ordering);
    const ids = (list: readonly User[]) => list.map((user) => user.id);

    beforeAll(async () => {
      own = [
        // Case differs from canonical order: "b" < "C" < "d" by canonical username, "C" < "b" < "d" as typed.
        aUser({ username: `b-${marker}`, email: `ÄB-${marker}@example.com`, dateJoined: joined(3) }),
        aUser({ username: `C-${marker}`, email: `äa-${marker}@example.com`, isStaff: true, dateJoined: joined(1) }),
        aUser({ username: `d-${marker}`, email: "", isActive: false, lastLogin: joined(9), dateJoined: joined(1) }),
        // Past U+FFFF: code-point order puts U+FA0E first, code-unit order U+20000.
        aUser({ username: `\u{20000}-${marker}`, email: "", lastLogin: joined(8), dateJoined: joined(2) }),
        aUser({ username: `\uFA0E-${marker}`, email: `Zed-${marker}@example.com`, isStaff: true, isActive: false }),
        aUser({ username: `under_score-${marker}`, email: `100%sure-${marker}@example.com`, lastLogin: joined(9) }),
        aUser({ username: `rxs-${marker}`, email: `zed-${marker}@example.com`, isStaff: true, dateJoined: joined(3) }),
      ];
      for (const user of own) await users.add(user);
    });

    it("finds by a case-insensitive substring of the username or the email, non-ASCII letters too", async () => {
      expect((await listed({ search: marker.toUpperCase() })).count).toBe(own.length);
      expect(ids((await listed({ search: `äb-${marker}` })).items)).toEqual([own[0]?.id]);
      expect(ids((await listed({ search: `ÄA-${marker.toUpperCase()}` })).items)).toEqual([own[1]?.id]);
      expect((await listed({ search: `nobody-${marker}` })).items).toEqual([]);
    });

    it("matches % and _ in a search literally", async () => {
      expect(ids((await listed({ search: `r_s` })).items)).toEqual([own[5]?.id]);
      expect(ids((await listed({ search: "0%s" })).items)).toEqual([own[5]?.id]);
      expect((await listed({ search: `1%e-${marker}` })).items).toEqual([]);
      expect((await listed({ search: "%" })).count).toBe(1);
    });

    it("filters by staff and active status, counting only the matches", async () => {
      const staff = await listed({ isStaff: true });
      expect(staff.count).toBe(3);
      expect(ids(staff.items)).toEqual(ids([own[1], own[6], own[4]] as User[]));
      expect(ids((await listed({ isStaff: true, isActive: false })).items)).toEqual([own[4]?.id]);
      expect((await listed({ isStaff: false, isActive: true })).count).toBe(3);
      const inactive = await users.list({ page: 1, pageSize: 1 }, { isActive: false, search: marker });
      expect(inactive.count).toBe(2);
      expect(inactive.items).toHaveLength(1);
    });

    it("orders usernames by canonical form and emails lower-cased, code point by code point", async () => {
      const byUsername = await listed({}, [{ field: "username", direction: "asc" }]);
      expect(byUsername.items.map((user) => user.username)).toEqual([
        `b-${marker}`,
        `C-${marker}`,
        `d-${marker}`,
        `rxs-${marker}`,
        `under_score-${marker}`,
        `\uFA0E-${marker}`,
        `\u{20000}-${marker}`,
      ]);
      const byEmail = await listed({}, [{ field: "email", direction: "asc" }]);
      expect(ids(byEmail.items)).toEqual(ids([own[2], own[3], own[5], own[4], own[6], own[1], own[0]] as User[]));
    });

    it("puts users who never logged in last in ascending order of last login, first in descending", async () => {
      const never = own.filter((user) => user.lastLogin === null);
      const ascending = ids((await listed({}, [{ field: "last_login", direction: "asc" }])).items);
      expect(ascending.slice(0, 3)).toEqual([own[3]?.id, own[2]?.id, own[5]?.id]);
      expect(ascending.slice(3)).toEqual(ids(never));
      const descending = ids((await listed({}, [{ field: "last_login", direction: "desc" }])).items);
      expect(descending).toEqual(ids([...never].reverse().concat([own[5], own[2], own[3]] as User[])));
    });

    for (const field of USER_ORDERING_FIELDS)
      for (const direction of ["asc", "desc"] as const)
        it(`orders by ${direction === "desc" ? "-" : ""}${field}, ties broken by id, across pages that never overlap or skip`, async () => {
          const ordering: UserOrdering = [{ field, direction }];
          const seen: User[] = [];
          for (let page = 1; page <= own.length; page++)
            seen.push(...(await users.list({ page, pageSize: 2 }, { search: marker }, ordering)).items);
          expect(ids(seen)).toEqual(ids(sortUsers(own, ordering)));
        });

    it("orders by several terms, the id following the direction of the last", async () => {
      for (const ordering of [
        [
          { field: "is_staff", direction: "desc" },
          { field: "date_joined", direction: "asc" },
        ],
        [
          { field: "is_active", direction: "asc" },
          { field: "email", direction: "desc" },
        ],
      ] as const)
        expect(ids((await listed({}, ordering)).items)).toEqual(ids(sortUsers(own, ordering)));
    });
  });
}
