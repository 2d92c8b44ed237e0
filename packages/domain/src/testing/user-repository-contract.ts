import {
  type SessionRepository,
  type TaskRepository,
  type UnitOfWork,
  User,
  UsernameTaken,
  type UserRepository,
} from "../index.ts";
import { anId, aSession, aTask, aUser } from "./builders.ts";
import type { ContractTestApi } from "./contract-test-api.ts";
import { START } from "./fake-clock.ts";

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
  const { it, beforeAll, expect } = t;
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
}
