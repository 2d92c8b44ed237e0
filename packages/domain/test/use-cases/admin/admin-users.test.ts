import { beforeEach, describe, expect, it } from "vitest";
import {
  AdminAddUser,
  type AdminAddUserInput,
  AdminChangeUser,
  type AdminChangeUserInput,
  AdminDeleteUsers,
  AdminGetUser,
  AdminRevokeLogins,
  AdminSetPassword,
  ObjectHistory,
  PASSWORD_MISMATCH,
  PermissionDenied,
  RecentActions,
  type StaffMember,
  type User,
  UserNotFound,
  UsernameTaken,
} from "../../../src/index.ts";
import {
  aSession,
  aStoredTask,
  aStoredUser,
  type FakePorts,
  fakePorts,
  GOOD_PASSWORD,
  minutes,
  START,
} from "../../../src/testing/index.ts";
import {
  aStaffMember,
  aSuperuser,
  expectOneCommittedTransaction,
  failure,
  invalidWithoutWrites,
  refusedWithoutWrites,
  writesSince,
} from "./admin-fixtures.ts";

let ports: FakePorts;
let sam: StaffMember;
let root: StaffMember;

beforeEach(async () => {
  ports = fakePorts();
  sam = await aStaffMember(ports, "sam");
  root = await aSuperuser(ports, "root");
});

const TAKEN = ["A user with that username already exists."];
const NEW_PASSWORD = "a brand new passphrase";

/** The targets only a superuser may manage. */
const PRIVILEGED = [
  ["a staff user", { isStaff: true, isSuperuser: false }],
  ["a superuser", { isStaff: true, isSuperuser: true }],
] as const;

function operations(writes: ReturnType<typeof writesSince>): string[] {
  return writes.map(({ repository, operation }) => `${repository} ${operation}`);
}

/** Two live logins of the user. */
async function twoLogins(user: User): Promise<void> {
  await ports.sessions.add(aSession({ userId: user.id }));
  await ports.sessions.add(aSession({ userId: user.id, kind: "cookie", keyHash: "key-hash" }));
}

function liveLoginsOf(user: User) {
  return ports.sessions.listLive(user.id, ports.clock.now());
}

/** The next look-up by id finds the user, who is deleted right after it. */
/**
 * Deletes each user right after it is read, by id or under a lock: what storage without
 * row locks would let a concurrent deletion do; the use cases must still write nothing.
 */
function deleteAfterLookup(): void {
  const find = ports.users.findById.bind(ports.users);
  ports.users.findById = async (id) => {
    const user = await find(id);
    if (user !== null) await ports.users.delete(user.id);
    return user;
  };
  const lock = ports.users.lockByIds.bind(ports.users);
  ports.users.lockByIds = async (ids) => {
    const locked = await lock(ids);
    for (const user of locked) await ports.users.delete(user.id);
    return locked;
  };
}

describe("AdminAddUser", () => {
  const alice = (overrides: Partial<AdminAddUserInput> = {}): AdminAddUserInput => ({
    staff: sam,
    username: "alice",
    email: "alice@example.com",
    password: GOOD_PASSWORD,
    passwordConfirmation: GOOD_PASSWORD,
    isStaff: false,
    isSuperuser: false,
    ...overrides,
  });

  it("adds an active user with a hash of the password, recording the addition in the same transaction", async () => {
    const from = ports.log.records.length;

    const user = await new AdminAddUser(ports).execute(alice({ username: " Alice " }));

    expect(user).toMatchObject({ username: "Alice", email: "alice@example.com", isActive: true, isStaff: false });
    expect(await ports.hasher.verify(user.passwordHash, GOOD_PASSWORD)).toBe(true);
    expect(await ports.users.findByUsername("alice")).toBe(user);
    const writes = writesSince(ports, from);
    expect(operations(writes)).toEqual(["users add", "history add"]);
    expectOneCommittedTransaction(ports, writes);
    expect(await new ObjectHistory(ports).execute({ objectType: "user", objectId: user.id })).toEqual([
      {
        id: expect.any(String),
        actionTime: START,
        userId: sam.userId,
        username: "sam",
        objectType: "user",
        objectId: user.id,
        objectRepr: "Alice",
        action: "addition",
        changeMessage: "Added.",
      },
    ]);
  });

  it.each([
    ["a staff user", { isStaff: true }],
    ["a superuser", { isSuperuser: true }],
    ["a staff superuser", { isStaff: true, isSuperuser: true }],
  ])("refuses staff who add %s, hashing and writing nothing", async (_, flags) => {
    const hashesBefore = ports.hasher.calls.length;

    await refusedWithoutWrites(ports, () => new AdminAddUser(ports).execute(alice(flags)), PermissionDenied);
    expect(ports.hasher.calls).toHaveLength(hashesBefore);
  });

  it("refuses staff before looking at the fields", async () => {
    await refusedWithoutWrites(
      ports,
      () => new AdminAddUser(ports).execute(alice({ isStaff: true, username: "", password: "x" })),
      PermissionDenied,
    );
  });

  it("lets a superuser add staff and superusers, a superuser always being staff", async () => {
    const staff = await new AdminAddUser(ports).execute(alice({ staff: root, username: "sue", isStaff: true }));
    const superuser = await new AdminAddUser(ports).execute(alice({ staff: root, username: "max", isSuperuser: true }));

    expect(staff).toMatchObject({ isStaff: true, isSuperuser: false });
    expect(superuser).toMatchObject({ isStaff: true, isSuperuser: true });
  });

  it("reports every invalid field at once, hashing and writing nothing", async () => {
    const hashesBefore = ports.hasher.calls.length;

    const errors = await invalidWithoutWrites(ports, () =>
      new AdminAddUser(ports).execute(
        alice({ username: "no spaces", email: "nope", password: "123", passwordConfirmation: "1234" }),
      ),
    );

    expect(Object.keys(errors).sort()).toEqual(["email", "password", "password_confirmation", "username"]);
    expect(errors.password).toEqual([
      "This password is too short. It must contain at least 8 characters.",
      "This password is entirely numeric.",
    ]);
    expect(errors.password_confirmation).toEqual([PASSWORD_MISMATCH]);
    expect(errors.username).toEqual([
      "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.",
    ]);
    expect(ports.hasher.calls).toHaveLength(hashesBefore);
  });

  it("reports a mismatched confirmation alone when the password itself is good", async () => {
    const errors = await invalidWithoutWrites(ports, () =>
      new AdminAddUser(ports).execute(alice({ passwordConfirmation: `${GOOD_PASSWORD}!` })),
    );

    expect(errors).toEqual({ password_confirmation: [PASSWORD_MISMATCH] });
  });

  it("reports a username taken in another case, with the password's problems", async () => {
    await aStoredUser(ports, { username: "alice" });

    const errors = await invalidWithoutWrites(ports, () =>
      new AdminAddUser(ports).execute(alice({ username: "ALICE", password: "short", passwordConfirmation: "short" })),
    );

    expect(errors).toEqual({
      password: ["This password is too short. It must contain at least 8 characters."],
      username: TAKEN,
    });
  });

  it("compares the password with the username as it will be stored", async () => {
    const errors = await invalidWithoutWrites(ports, () =>
      new AdminAddUser(ports).execute(
        alice({ username: "  wonderland ", password: "wonderland-42-x", passwordConfirmation: "wonderland-42-x" }),
      ),
    );

    expect(errors).toEqual({ password: ["The password is too similar to the username or email."] });
  });

  it("reports a username taken between the check and the write, keeping no trace of the attempt", async () => {
    const find = ports.users.findByUsername.bind(ports.users);
    ports.users.findByUsername = async (username) => {
      const found = await find(username);
      await aStoredUser(ports, { username: "alice" });
      return found;
    };

    const error = await failure(new AdminAddUser(ports).execute(alice()));

    expect(error).toBeInstanceOf(UsernameTaken);
    expect(error.errors).toEqual({ username: TAKEN });
    expect(ports.unitOfWork.transactions.at(-1)?.outcome).toBe("rolled back");
    expect(await new RecentActions(ports).execute({ staff: sam })).toEqual([]);
  });
});

describe("AdminChangeUser", () => {
  let alice: User;

  beforeEach(async () => {
    alice = await aStoredUser(ports, { username: "alice", email: "alice@example.com" });
  });

  const form = (overrides: Partial<AdminChangeUserInput> = {}): AdminChangeUserInput => ({
    staff: sam,
    id: alice.id,
    username: "alice",
    email: "alice@example.com",
    isStaff: false,
    isActive: true,
    ...overrides,
  });

  it("writes the profile and records which fields changed, in the same transaction", async () => {
    const from = ports.log.records.length;

    const changed = await new AdminChangeUser(ports).execute(
      form({ username: " Alicia ", email: "alicia@example.com" }),
    );

    expect(changed).toMatchObject({ id: alice.id, username: "Alicia", email: "alicia@example.com", isActive: true });
    expect(changed.passwordHash).toBe(alice.passwordHash);
    expect(changed.tokenVersion).toBe(alice.tokenVersion);
    expect(await ports.users.findById(alice.id)).toEqual(changed);
    const writes = writesSince(ports, from);
    expect(operations(writes)).toEqual(["users update", "history add"]);
    expectOneCommittedTransaction(ports, writes);
    expect(await new ObjectHistory(ports).execute({ objectType: "user", objectId: alice.id })).toMatchObject([
      {
        action: "change",
        objectRepr: "Alicia",
        changeMessage: "Changed Username and Email address.",
        userId: sam.userId,
        username: "sam",
      },
    ]);
  });

  it("says no field changed when none did", async () => {
    await new AdminChangeUser(ports).execute(form());

    expect(await ports.history.listForObject("user", alice.id)).toMatchObject([
      { changeMessage: "No fields changed." },
    ]);
  });

  it("lets the username change case only, as the same user", async () => {
    const changed = await new AdminChangeUser(ports).execute(form({ username: "ALICE" }));

    expect(changed.username).toBe("ALICE");
    expect(await ports.history.listForObject("user", alice.id)).toMatchObject([{ changeMessage: "Changed Username." }]);
  });

  it.each(PRIVILEGED)("refuses staff who change %s, writing nothing", async (_, flags) => {
    const target = await aStoredUser(ports, { username: "target", ...flags });

    await refusedWithoutWrites(
      ports,
      () =>
        new AdminChangeUser(ports).execute(
          form({ id: target.id, username: "target", email: target.email, isStaff: flags.isStaff }),
        ),
      PermissionDenied,
    );
    expect(await ports.users.findById(target.id)).toBe(target);
  });

  it.each([
    ["staff", { isStaff: true }],
    ["a superuser", { isSuperuser: true }],
  ])("refuses staff who make an ordinary user %s, writing nothing", async (_, flags) => {
    await refusedWithoutWrites(ports, () => new AdminChangeUser(ports).execute(form(flags)), PermissionDenied);
    expect(await ports.users.findById(alice.id)).toBe(alice);
  });

  it("lets a superuser change staff and superusers and grant both, a superuser always being staff", async () => {
    const sue = await aStoredUser(ports, { username: "sue", isStaff: true });

    const promoted = await new AdminChangeUser(ports).execute(form({ staff: root, isStaff: false, isSuperuser: true }));
    const demoted = await new AdminChangeUser(ports).execute(
      form({ staff: root, id: sue.id, username: "sue", email: sue.email, isStaff: false, isSuperuser: false }),
    );

    expect(promoted).toMatchObject({ isStaff: true, isSuperuser: true });
    expect(demoted).toMatchObject({ isStaff: false, isSuperuser: false });
    expect(await ports.history.listForObject("user", alice.id)).toMatchObject([
      { changeMessage: "Changed Staff status and Superuser status." },
    ]);
  });

  it("keeps the superuser status when the form leaves it out", async () => {
    const max = await aStoredUser(ports, { username: "max", isStaff: true, isSuperuser: true });

    const kept = await new AdminChangeUser(ports).execute(
      form({ staff: root, id: max.id, username: "max", email: max.email, isStaff: false }),
    );
    const ordinary = await new AdminChangeUser(ports).execute(form());

    expect(kept).toMatchObject({ isStaff: true, isSuperuser: true });
    expect(ordinary).toMatchObject({ isStaff: false, isSuperuser: false });
    expect(await ports.history.listForObject("user", max.id)).toMatchObject([{ changeMessage: "No fields changed." }]);
  });

  it("deactivating ends every login at once, in the same transaction, and records it", async () => {
    await twoLogins(alice);
    ports.clock.advance(minutes(1));
    const from = ports.log.records.length;

    const changed = await new AdminChangeUser(ports).execute(form({ isActive: false }));

    expect(changed).toMatchObject({ isActive: false, tokenVersion: alice.tokenVersion + 1 });
    expect(await liveLoginsOf(alice)).toEqual([]);
    expect(ports.sessions.all().map(({ revokedAt, revocationReason }) => ({ revokedAt, revocationReason }))).toEqual([
      { revokedAt: ports.clock.now(), revocationReason: "deactivation" },
      { revokedAt: ports.clock.now(), revocationReason: "deactivation" },
    ]);
    const writes = writesSince(ports, from);
    expect(operations(writes)).toEqual([
      "users update",
      "users update",
      "sessions update",
      "sessions update",
      "history add",
    ]);
    expectOneCommittedTransaction(ports, writes);
    expect(ports.events.recorded).toEqual([
      { event: "user_deactivated", userId: alice.id },
      { event: "login_revoked", userId: alice.id, sessionId: null, by: "deactivation" },
    ]);
    expect(await ports.history.listForObject("user", alice.id)).toMatchObject([{ changeMessage: "Changed Active." }]);
  });

  it("reactivates an inactive user, recording no security event", async () => {
    const bob = await aStoredUser(ports, { username: "bob", isActive: false, tokenVersion: 3 });

    const changed = await new AdminChangeUser(ports).execute(
      form({ id: bob.id, username: "bob", email: bob.email, isActive: true }),
    );

    expect(changed).toMatchObject({ isActive: true, tokenVersion: 3 });
    expect(ports.events.recorded).toEqual([]);
    expect(await ports.history.listForObject("user", bob.id)).toMatchObject([{ changeMessage: "Changed Active." }]);
  });

  it("leaves an inactive user inactive, ending no login and recording no event", async () => {
    const bob = await aStoredUser(ports, { username: "bob", isActive: false });
    await twoLogins(bob);

    const changed = await new AdminChangeUser(ports).execute(
      form({ id: bob.id, username: "bob", email: "bob@example.com", isActive: false }),
    );

    expect(changed).toMatchObject({ isActive: false, tokenVersion: bob.tokenVersion, email: "bob@example.com" });
    expect(await liveLoginsOf(bob)).toHaveLength(2);
    expect(ports.events.recorded).toEqual([]);
  });

  it("reports every invalid field at once, writing nothing", async () => {
    const errors = await invalidWithoutWrites(ports, () =>
      new AdminChangeUser(ports).execute(form({ username: "", email: "not an address", isActive: false })),
    );

    expect(errors).toEqual({ username: ["This field may not be blank."], email: ["Enter a valid email address."] });
    expect(ports.events.recorded).toEqual([]);
  });

  it("reports a username another user has in another case, writing nothing", async () => {
    await aStoredUser(ports, { username: "bob" });

    const errors = await invalidWithoutWrites(ports, () =>
      new AdminChangeUser(ports).execute(form({ username: "Bob", email: "nope" })),
    );

    expect(errors).toEqual({ email: ["Enter a valid email address."], username: TAKEN });
  });

  it("reports an unknown id as UserNotFound", async () => {
    await refusedWithoutWrites(
      ports,
      () => new AdminChangeUser(ports).execute(form({ id: "no-such-id" })),
      UserNotFound,
    );
  });

  it.each([
    ["a profile change", { email: "new@example.com" }],
    ["a deactivation", { isActive: false }],
  ])(
    "reports a user deleted between read and write during %s as UserNotFound, recording nothing",
    async (_, changes) => {
      deleteAfterLookup();

      await expect(new AdminChangeUser(ports).execute(form(changes))).rejects.toBeInstanceOf(UserNotFound);

      expect(ports.unitOfWork.transactions.at(-1)?.outcome).toBe("rolled back");
      expect(await ports.history.listForObject("user", alice.id)).toEqual([]);
      expect(ports.events.recorded).toEqual([]);
    },
  );

  it("lets the user take the name they were given meanwhile by another change", async () => {
    const find = ports.users.findByUsername.bind(ports.users);
    ports.users.findByUsername = async (username) => {
      await ports.users.updateProfile(alice.id, { username: "alicia" });
      return find(username);
    };

    const changed = await new AdminChangeUser(ports).execute(form({ username: "alicia", email: "alicia@example.com" }));

    expect(changed).toMatchObject({ id: alice.id, username: "alicia", email: "alicia@example.com" });
  });

  it("reports a username taken between the check and the write, keeping no trace of the attempt", async () => {
    const find = ports.users.findByUsername.bind(ports.users);
    ports.users.findByUsername = async (username) => {
      const found = await find(username);
      await aStoredUser(ports, { username: "alicia" });
      return found;
    };

    const error = await failure(new AdminChangeUser(ports).execute(form({ username: "alicia" })));

    expect(error.errors).toEqual({ username: TAKEN });
    expect(await ports.users.findById(alice.id)).toBe(alice);
    expect(await ports.history.listForObject("user", alice.id)).toEqual([]);
  });
});

describe("AdminSetPassword", () => {
  let alice: User;

  beforeEach(async () => {
    alice = await aStoredUser(ports, { username: "alice", email: "alice@example.com" });
  });

  it("sets the password, ends every login and records both, in one transaction", async () => {
    await twoLogins(alice);
    const from = ports.log.records.length;

    const changed = await new AdminSetPassword(ports).execute({
      staff: sam,
      id: alice.id,
      password: NEW_PASSWORD,
      passwordConfirmation: NEW_PASSWORD,
    });

    expect(await ports.hasher.verify(changed.passwordHash, NEW_PASSWORD)).toBe(true);
    expect(changed.tokenVersion).toBe(alice.tokenVersion + 1);
    expect(await liveLoginsOf(alice)).toEqual([]);
    expect(ports.sessions.all().map((session) => session.revocationReason)).toEqual([
      "password_change",
      "password_change",
    ]);
    const writes = writesSince(ports, from);
    expect(operations(writes)).toEqual(["users update", "sessions update", "sessions update", "history add"]);
    expectOneCommittedTransaction(ports, writes);
    expect(await ports.history.listForObject("user", alice.id)).toMatchObject([
      { action: "change", objectRepr: "alice", changeMessage: "Changed password.", userId: sam.userId },
    ]);
    expect(ports.events.recorded).toEqual([
      { event: "password_changed", userId: alice.id, by: "admin" },
      { event: "login_revoked", userId: alice.id, sessionId: null, by: "password_change" },
    ]);
  });

  it("keeps the login a staff member sets their own password from, ending every other", async () => {
    const mine = aSession({ userId: root.userId, kind: "cookie", keyHash: "mine" });
    const other = aSession({ userId: root.userId });
    await ports.sessions.add(mine);
    await ports.sessions.add(other);

    const changed = await new AdminSetPassword(ports).execute({
      staff: root,
      id: root.userId,
      password: NEW_PASSWORD,
      passwordConfirmation: NEW_PASSWORD,
      sessionId: mine.id,
    });

    const live = await ports.sessions.listLive(root.userId, ports.clock.now());
    expect(live.map((session) => session.id)).toEqual([mine.id]);
    expect(live[0]?.isCurrentFor(changed.tokenVersion, null)).toBe(true);
  });

  it("ends the acting staff member's login too when the password set is another user's", async () => {
    const mine = aSession({ userId: sam.userId, kind: "cookie", keyHash: "sams" });
    await ports.sessions.add(mine);
    await twoLogins(alice);

    await new AdminSetPassword(ports).execute({
      staff: sam,
      id: alice.id,
      password: NEW_PASSWORD,
      passwordConfirmation: NEW_PASSWORD,
      sessionId: mine.id,
    });

    expect(await liveLoginsOf(alice)).toEqual([]);
    expect((await ports.sessions.listLive(sam.userId, ports.clock.now())).map((session) => session.id)).toEqual([
      mine.id,
    ]);
  });

  it.each(PRIVILEGED)("refuses staff who set the password of %s, hashing and writing nothing", async (_, flags) => {
    const target = await aStoredUser(ports, { username: "target", ...flags });
    const hashesBefore = ports.hasher.callsOf("hash").length;

    await refusedWithoutWrites(
      ports,
      () =>
        new AdminSetPassword(ports).execute({
          staff: sam,
          id: target.id,
          password: NEW_PASSWORD,
          passwordConfirmation: NEW_PASSWORD,
        }),
      PermissionDenied,
    );
    expect(ports.hasher.callsOf("hash")).toHaveLength(hashesBefore);
    expect(ports.events.recorded).toEqual([]);
  });

  it("lets a superuser set a superuser's password", async () => {
    const max = await aStoredUser(ports, { username: "max", isStaff: true, isSuperuser: true });

    const changed = await new AdminSetPassword(ports).execute({
      staff: root,
      id: max.id,
      password: NEW_PASSWORD,
      passwordConfirmation: NEW_PASSWORD,
    });

    expect(await ports.hasher.verify(changed.passwordHash, NEW_PASSWORD)).toBe(true);
  });

  it("reports the policy's problems and a mismatched confirmation at once, hashing and writing nothing", async () => {
    const hashesBefore = ports.hasher.callsOf("hash").length;

    const errors = await invalidWithoutWrites(ports, () =>
      new AdminSetPassword(ports).execute({
        staff: sam,
        id: alice.id,
        password: "alice123",
        passwordConfirmation: "alice124",
      }),
    );

    expect(errors).toEqual({
      password: ["The password is too similar to the username or email."],
      password_confirmation: [PASSWORD_MISMATCH],
    });
    expect(ports.hasher.callsOf("hash")).toHaveLength(hashesBefore);
  });

  it("reports an unknown id as UserNotFound", async () => {
    await refusedWithoutWrites(
      ports,
      () =>
        new AdminSetPassword(ports).execute({
          staff: sam,
          id: "no-such-id",
          password: NEW_PASSWORD,
          passwordConfirmation: NEW_PASSWORD,
        }),
      UserNotFound,
    );
  });

  it("reports a user deleted between read and write as UserNotFound, recording nothing", async () => {
    deleteAfterLookup();

    await expect(
      new AdminSetPassword(ports).execute({
        staff: sam,
        id: alice.id,
        password: NEW_PASSWORD,
        passwordConfirmation: NEW_PASSWORD,
      }),
    ).rejects.toBeInstanceOf(UserNotFound);

    expect(await ports.history.listForObject("user", alice.id)).toEqual([]);
    expect(ports.events.recorded).toEqual([]);
  });
});

describe("AdminRevokeLogins", () => {
  let alice: User;

  beforeEach(async () => {
    alice = await aStoredUser(ports, { username: "alice" });
  });

  it("ends every login of the user, answers how many, and records it in the same transaction", async () => {
    await twoLogins(alice);
    const from = ports.log.records.length;

    expect(await new AdminRevokeLogins(ports).execute({ staff: sam, id: alice.id })).toBe(2);

    expect(await liveLoginsOf(alice)).toEqual([]);
    expect(ports.sessions.all().map((session) => session.revocationReason)).toEqual(["admin", "admin"]);
    const writes = writesSince(ports, from);
    expect(operations(writes)).toEqual(["sessions update", "sessions update", "history add"]);
    expectOneCommittedTransaction(ports, writes);
    expect(await ports.history.listForObject("user", alice.id)).toMatchObject([
      { action: "change", objectRepr: "alice", changeMessage: "Revoked all logins (2).", userId: sam.userId },
    ]);
    expect(ports.events.recorded).toEqual([{ event: "login_revoked", userId: alice.id, sessionId: null, by: "admin" }]);
  });

  it("records a revocation of no login in the history, but no security event", async () => {
    expect(await new AdminRevokeLogins(ports).execute({ staff: sam, id: alice.id })).toBe(0);

    expect(await ports.history.listForObject("user", alice.id)).toMatchObject([
      { changeMessage: "Revoked all logins (0)." },
    ]);
    expect(ports.events.recorded).toEqual([]);
  });

  it.each(PRIVILEGED)("refuses staff who revoke the logins of %s, writing nothing", async (_, flags) => {
    const target = await aStoredUser(ports, { username: "target", ...flags });
    await twoLogins(target);

    await refusedWithoutWrites(
      ports,
      () => new AdminRevokeLogins(ports).execute({ staff: sam, id: target.id }),
      PermissionDenied,
    );
    expect(await liveLoginsOf(target)).toHaveLength(2);
  });

  it("lets a superuser revoke a staff user's logins", async () => {
    const sue = await aStoredUser(ports, { username: "sue", isStaff: true });
    await twoLogins(sue);

    expect(await new AdminRevokeLogins(ports).execute({ staff: root, id: sue.id })).toBe(2);
  });

  it("reports an unknown id as UserNotFound", async () => {
    await refusedWithoutWrites(
      ports,
      () => new AdminRevokeLogins(ports).execute({ staff: sam, id: "no-such-id" }),
      UserNotFound,
    );
  });
});

describe("AdminDeleteUsers", () => {
  it("deletes the users with their tasks and logins, each recorded, all in one transaction", async () => {
    const alice = await aStoredUser(ports, { username: "alice" });
    const bob = await aStoredUser(ports, { username: "bob" });
    const carol = await aStoredUser(ports, { username: "carol" });
    const { task } = await aStoredTask(ports, { ownerId: alice.id });
    const { task: carolsTask } = await aStoredTask(ports, { ownerId: carol.id });
    await twoLogins(alice);
    const from = ports.log.records.length;

    const deleted = await new AdminDeleteUsers(ports).execute({ staff: sam, ids: [alice.id, bob.id] });

    expect(deleted).toEqual([alice, bob]);
    expect(await ports.users.findByIds([alice.id, bob.id, carol.id])).toEqual([carol]);
    expect(await ports.tasks.findById(task.id)).toBeNull();
    expect(await ports.tasks.findById(carolsTask.id)).toBe(carolsTask);
    expect(ports.sessions.all()).toEqual([]);
    const writes = writesSince(ports, from);
    expect(operations(writes)).toEqual(["users delete", "history add", "users delete", "history add"]);
    expectOneCommittedTransaction(ports, writes);
    expect(await new ObjectHistory(ports).execute({ objectType: "user", objectId: alice.id })).toMatchObject([
      { action: "deletion", objectRepr: "alice", changeMessage: "Deleted.", userId: sam.userId, username: "sam" },
    ]);
  });

  it("counts an id named twice once and skips one that is already gone", async () => {
    const alice = await aStoredUser(ports, { username: "alice" });

    const deleted = await new AdminDeleteUsers(ports).execute({ staff: sam, ids: [alice.id, "gone-id", alice.id] });

    expect(deleted).toEqual([alice]);
    expect(await ports.history.listForObject("user", alice.id)).toHaveLength(1);
  });

  it.each(PRIVILEGED)("deletes none of the selection when staff select %s among them", async (_, flags) => {
    const alice = await aStoredUser(ports, { username: "alice" });
    const target = await aStoredUser(ports, { username: "target", ...flags });

    await refusedWithoutWrites(
      ports,
      () => new AdminDeleteUsers(ports).execute({ staff: sam, ids: [alice.id, target.id] }),
      PermissionDenied,
    );
    expect(await ports.users.findByIds([alice.id, target.id])).toHaveLength(2);
  });

  it("lets a superuser delete staff and superusers", async () => {
    const sue = await aStoredUser(ports, { username: "sue", isStaff: true });
    const max = await aStoredUser(ports, { username: "max", isStaff: true, isSuperuser: true });

    expect(await new AdminDeleteUsers(ports).execute({ staff: root, ids: [sue.id, max.id] })).toEqual([sue, max]);
  });

  it("keeps the history a deleted staff member wrote, naming them without their id", async () => {
    const alice = await aStoredUser(ports, { username: "alice" });
    await new AdminRevokeLogins(ports).execute({ staff: sam, id: alice.id });

    await new AdminDeleteUsers(ports).execute({ staff: root, ids: [sam.userId] });

    expect(await ports.history.listForObject("user", alice.id)).toMatchObject([
      { userId: null, username: "sam", changeMessage: "Revoked all logins (0)." },
    ]);
    expect(await new RecentActions(ports).execute({ staff: sam })).toEqual([]);
    expect(await new ObjectHistory(ports).execute({ objectType: "user", objectId: sam.userId })).toMatchObject([
      { action: "deletion", objectRepr: "sam", userId: root.userId },
    ]);
  });

  it("records a superuser's deletion of their own account without their id, as the rest of their history", async () => {
    const alice = await aStoredUser(ports, { username: "alice" });
    const bob = await aStoredUser(ports, { username: "bob" });
    await new AdminRevokeLogins(ports).execute({ staff: root, id: alice.id });

    // Their own account first: the deletions after it are theirs too, once they are gone.
    expect(await new AdminDeleteUsers(ports).execute({ staff: root, ids: [root.userId, bob.id] })).toHaveLength(2);

    expect(await ports.history.listForObject("user", root.userId)).toMatchObject([
      { action: "deletion", objectRepr: "root", userId: null, username: "root" },
    ]);
    expect(await ports.history.listForObject("user", bob.id)).toMatchObject([
      { action: "deletion", objectRepr: "bob", userId: null, username: "root" },
    ]);
    expect(await ports.history.listForObject("user", alice.id)).toMatchObject([{ userId: null, username: "root" }]);
  });

  it("skips, without a history entry, a user deleted by someone else between read and deletion", async () => {
    const alice = await aStoredUser(ports, { username: "alice" });
    const bob = await aStoredUser(ports, { username: "bob" });
    const lockByIds = ports.users.lockByIds.bind(ports.users);
    ports.users.lockByIds = async (ids) => {
      const found = await lockByIds(ids);
      await ports.users.delete(alice.id);
      return found;
    };

    expect(await new AdminDeleteUsers(ports).execute({ staff: sam, ids: [alice.id, bob.id] })).toEqual([bob]);
    expect(await ports.history.listForObject("user", alice.id)).toEqual([]);
  });
});

describe("AdminGetUser", () => {
  it("finds a user by id, and reports an unknown id as UserNotFound naming it", async () => {
    const alice = await aStoredUser(ports, { username: "alice" });

    expect(await new AdminGetUser(ports).execute({ staff: sam, id: alice.id })).toBe(alice);
    await expect(new AdminGetUser(ports).execute({ staff: sam, id: "no-such-id" })).rejects.toMatchObject({
      code: "USER_NOT_FOUND",
      username: "no-such-id",
    });
  });

  it.each(PRIVILEGED)("shows %s to a superuser only", async (_, flags) => {
    const target = await aStoredUser(ports, { username: "target", ...flags });

    await expect(new AdminGetUser(ports).execute({ staff: sam, id: target.id })).rejects.toBeInstanceOf(
      PermissionDenied,
    );
    expect(await new AdminGetUser(ports).execute({ staff: root, id: target.id })).toBe(target);
  });
});
