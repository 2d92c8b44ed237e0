import { beforeEach, describe, expect, it } from "vitest";
import {
  ActivateUser,
  AdminAddTask,
  AdminChangeTask,
  CreateTask,
  DeactivateUser,
  EndLogin,
  InvalidCredentials,
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
let sam: StaffMember;

beforeEach(() => {
  ports = fakePorts();
});

/** The user is deleted right after the next look-up by name finds it (only `only`, when given). */
function deleteAfterLookup(only?: string): void {
  const find = ports.users.findByUsername.bind(ports.users);
  ports.users.findByUsername = async (username) => {
    const user = await find(username);
    if (user !== null && (only === undefined || user.username === only)) await ports.users.delete(user.id);
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
    const alice = await aStoredUser(ports, { username: "alice" });
    deleteAfterLookup();

    await expect(logIn(ports, "alice")).rejects.toBeInstanceOf(InvalidCredentials);
    expect(await ports.sessions.findWithUser({ id: alice.id })).toBeNull();
    expect(await ports.sessions.listLive(alice.id, ports.clock.now())).toEqual([]);
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
    ["adds", (owner: string) => new AdminAddTask(ports).execute({ staff: sam, owner, changes: { title: "x" } })],
    [
      "changes",
      async (owner: string) => {
        const { task } = await aStoredTask(ports, { ownerId: sam.userId });
        return new AdminChangeTask(ports).execute({ staff: sam, id: task.id, owner, changes: { title: "x" } });
      },
    ],
  ])(
    "says the owner field names no user when the staff member %s a task for an owner deleted meanwhile",
    async (_, act) => {
      sam = await aStaffMember(ports);
      await aStoredUser(ports, { username: "alice" });
      deleteAfterLookup();

      const error = await act("alice").catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).errors).toEqual({ owner: ['No user named "alice".'] });
      expect(await ports.history.recentByUser(sam.userId, 10)).toEqual([]);
    },
  );
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
