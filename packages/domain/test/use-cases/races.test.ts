import { beforeEach, describe, expect, it } from "vitest";
import {
  ActivateUser,
  AdminAddTask,
  AdminChangeTask,
  ChangePassword,
  CreateTask,
  DeactivateUser,
  EndLogin,
  InvalidCredentials,
  InvalidToken,
  RefreshSession,
  ServiceUnavailable,
  SetPassword,
  type StaffMember,
  UserGone,
  UserNotFound,
  userActor,
  ValidationError,
  VerifyToken,
} from "../../src/index.ts";
import { aStoredTask, aStoredUser, type FakePorts, fakePorts, GOOD_PASSWORD, logIn } from "../../src/testing/index.ts";
import { aStaffMember } from "./admin/admin-fixtures.ts";

// What a use case does when another request changes the same record between its read and
// its write: every write is targeted, so the second one finds nothing and says so.

let ports: FakePorts;

beforeEach(() => {
  ports = fakePorts();
});

/** The user is deleted right after the next look-up by name finds it. */
function deleteAfterLookup(): void {
  const find = ports.users.findByUsername.bind(ports.users);
  ports.users.findByUsername = async (username) => {
    const user = await find(username);
    if (user !== null) await ports.users.delete(user.id);
    return user;
  };
}

describe("an operator acting on a user deleted meanwhile", () => {
  it.each([
    ["activate", () => new ActivateUser(ports).execute({ username: "alice" })],
    ["deactivate", () => new DeactivateUser(ports).execute({ username: "alice" })],
    ["set-password", () => new SetPassword(ports).execute({ username: "alice", password: GOOD_PASSWORD })],
  ])("%s reports the user as missing and records no event", async (_, act) => {
    await aStoredUser(ports, { username: "alice", isActive: false });
    deleteAfterLookup();

    await expect(act()).rejects.toBeInstanceOf(UserNotFound);
    expect(ports.events.recorded).toEqual([]);
    expect(await ports.users.count()).toBe(0);
  });
});

describe("a write naming a user deleted since they were read", () => {
  beforeEach(() => {
    // The foreign keys of tasks and history entries, which most tests leave unchecked.
    ports.tasks.users = ports.users;
    ports.history.users = ports.users;
  });

  it("refuses a login whose user is deleted while the password is checked, as after the deletion", async () => {
    await aStoredUser(ports, { username: "alice" });
    deleteAfterLookup();

    const from = ports.log.records.length;
    await expect(logIn(ports, "alice")).rejects.toBeInstanceOf(InvalidCredentials);
    const raced = ports.events.recorded.splice(0);
    expect(ports.log.records.slice(from).filter((record) => record.repository !== "users")).toEqual([]);
    expect(ports.unitOfWork.transactions.at(-1)?.outcome).toBe("rolled back");

    await expect(logIn(ports, "alice")).rejects.toBeInstanceOf(InvalidCredentials);
    expect(raced).toEqual(ports.events.recorded);
  });

  it("reports a task created by a user deleted since the guard read them as the user gone", async () => {
    const alice = await aStoredUser(ports, { username: "alice" });
    await ports.users.delete(alice.id);

    const error = await new CreateTask(ports)
      .execute({ actor: userActor(alice.id), changes: { title: "late" } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserGone);
    expect(error).toMatchObject({ userId: alice.id });
  });

  it.each([
    [
      "adds",
      (sam: StaffMember, owner: string) =>
        new AdminAddTask(ports).execute({ staff: sam, owner, changes: { title: "x" } }),
    ],
    [
      "changes",
      async (sam: StaffMember, owner: string) => {
        const { task } = await aStoredTask(ports, { ownerId: sam.userId });
        return new AdminChangeTask(ports).execute({ staff: sam, id: task.id, owner, changes: { title: "x" } });
      },
    ],
  ])(
    "says the owner field names no user when the staff member %s a task for an owner deleted meanwhile",
    async (_, act) => {
      const sam = await aStaffMember(ports);
      await aStoredUser(ports, { username: "alice" });
      deleteAfterLookup();

      const error = await act(sam, "alice").catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).errors).toEqual({ owner: ['No user named "alice".'] });
      expect(await ports.history.recentByUser(sam.userId, 10)).toEqual([]);
    },
  );

  it("reports a staff member deleted while adding a task as the user gone, and keeps no task", async () => {
    const sam = await aStaffMember(ports);
    await aStoredUser(ports, { username: "alice" });
    await ports.users.delete(sam.userId);

    const error = await new AdminAddTask(ports)
      .execute({ staff: sam, owner: "alice", changes: { title: "x" } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserGone);
    expect(error).toMatchObject({ userId: sam.userId });
    expect(ports.unitOfWork.transactions.at(-1)?.outcome).toBe("rolled back");
    expect((await ports.tasks.list({}, { page: 1, pageSize: 10 })).count).toBe(0);
  });

  it("reports a staff member deleted while adding a task for themselves as the user gone, not as the owner field", async () => {
    const sam = await aStaffMember(ports);
    deleteAfterLookup();

    const error = await new AdminAddTask(ports)
      .execute({ staff: sam, owner: "sam", changes: { title: "x" } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserGone);
    expect(error).toMatchObject({ userId: sam.userId });
  });
});

describe("a caller deleted while their own request runs", () => {
  it.each([
    ["before it begins", async () => ports.users.delete((await ports.users.findByUsername("alice"))?.id ?? "")],
    [
      "just before the old password is checked",
      async () => {
        const find = ports.users.findByUsername.bind(ports.users);
        ports.users.findByUsername = async (username) => {
          await ports.users.delete((await find(username))?.id ?? "");
          return find(username);
        };
      },
    ],
    ["while the old password is checked", async () => deleteAfterLookup()],
  ])("refuses a password change of a caller deleted %s as the user gone, changing nothing", async (_, deleteAlice) => {
    const alice = await aStoredUser(ports, { username: "alice" });
    await logIn(ports, "alice");
    const [session] = await ports.sessions.listLive(alice.id, ports.clock.now());
    if (session === undefined) throw new Error("no login");
    await deleteAlice();
    const events = ports.events.recorded.length;

    const error = await new ChangePassword(ports)
      .execute({
        userId: alice.id,
        sessionId: session.id,
        oldPassword: GOOD_PASSWORD,
        newPassword: "a brand new pass phrase",
        clientAddress: "192.0.2.1",
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserGone);
    expect(error).toMatchObject({ userId: alice.id });
    expect(ports.events.names().slice(events)).not.toContain("password_changed");
  });

  it("refuses a refresh whose login went with its user meanwhile, recording no reuse", async () => {
    const alice = await aStoredUser(ports, { username: "alice" });
    const pair = await logIn(ports, "alice");
    const replace = ports.sessions.replaceIfCurrent.bind(ports.sessions);
    ports.sessions.replaceIfCurrent = async (session, spentTokenId) => {
      await ports.users.delete(alice.id);
      return replace(session, spentTokenId);
    };
    const events = ports.events.recorded.length;

    const refreshing = new RefreshSession(ports).execute({ refresh: pair.refresh });
    await expect(refreshing).rejects.toThrow(InvalidToken);
    await expect(refreshing).rejects.toMatchObject({ reason: "unknown login" });
    expect(ports.events.recorded.slice(events)).toEqual([]);
  });
});

/**
 * alice logged in, with `meanwhile` run once, on her login, between a refresh's read of it
 * and its rotation's write: her refresh token and the login's id.
 */
async function aliceWithRotationInterrupted(meanwhile: (userId: string, sessionId: string) => Promise<unknown>) {
  const alice = await aStoredUser(ports, { username: "alice" });
  const pair = await logIn(ports, "alice");
  const [session] = await ports.sessions.listLive(alice.id, ports.clock.now());
  if (session === undefined) throw new Error("no login");
  const replace = ports.sessions.replaceIfCurrent.bind(ports.sessions);
  ports.sessions.replaceIfCurrent = async (rotated, spentTokenId) => {
    ports.sessions.replaceIfCurrent = replace;
    await meanwhile(alice.id, session.id);
    return replace(rotated, spentTokenId);
  };
  return { refresh: pair.refresh, sessionId: session.id };
}

describe("RefreshSession racing a revocation of its login", () => {
  it("refuses the refresh and reports no theft: the token was spent by nobody", async () => {
    const { refresh, sessionId } = await aliceWithRotationInterrupted((_userId, id) =>
      ports.sessions.revoke(id, "logout", ports.clock.now()),
    );
    const events = ports.events.recorded.length;

    const refreshing = new RefreshSession(ports).execute({ refresh });
    await expect(refreshing).rejects.toThrow(InvalidToken);
    expect(ports.events.names().slice(events)).toEqual([]);
    expect(await ports.sessions.findById(sessionId)).toMatchObject({ revocationReason: "logout" });
  });
});

describe("RefreshSession racing a password change made from the same login", () => {
  it("leaves the login alive under the new password, with the pair the refresh issued", async () => {
    const { refresh } = await aliceWithRotationInterrupted((userId, sessionId) =>
      new ChangePassword(ports).execute({
        userId,
        sessionId,
        oldPassword: GOOD_PASSWORD,
        newPassword: "a brand new pass phrase",
        clientAddress: "192.0.2.1",
      }),
    );

    const next = await new RefreshSession(ports).execute({ refresh });
    await expect(new VerifyToken(ports).execute({ token: next.access })).resolves.toBeUndefined();
    await expect(new RefreshSession(ports).execute({ refresh: next.refresh })).resolves.toMatchObject({
      access: expect.any(String),
    });
  });
});

describe("EndLogin racing another end of the same login", () => {
  it("records the end once, by whichever request ended it", async () => {
    const alice = await aStoredUser(ports, { username: "alice" });
    await logIn(ports, "alice");
    const [session] = await ports.sessions.listLive(alice.id, ports.clock.now());
    if (session === undefined) throw new Error("no login");
    const find = ports.sessions.findById.bind(ports.sessions);
    ports.sessions.findById = async (id) => {
      const found = await find(id);
      await ports.sessions.revoke(id, "logout", ports.clock.now());
      return found;
    };
    const before = ports.events.recorded.length;

    await new EndLogin(ports).execute({ userId: alice.id, sessionId: session.id, reason: "user" });

    expect(ports.events.recorded.length).toBe(before);
    expect(await find(session.id)).toMatchObject({ revocationReason: "logout" });
  });
});

describe("VerifyToken when the token service itself fails", () => {
  it("passes the failure on instead of trying the token as a refresh token", async () => {
    await aStoredUser(ports, { username: "alice" });
    const pair = await logIn(ports, "alice");
    const outage = new ServiceUnavailable("key store down");
    ports.tokens.verifyAccessToken = () => Promise.reject(outage);
    let refreshTried = false;
    ports.tokens.verifyRefreshToken = async () => {
      refreshTried = true;
      throw new Error("not reached");
    };

    await expect(new VerifyToken(ports).execute({ token: pair.access })).rejects.toBe(outage);
    expect(refreshTried).toBe(false);
  });
});
