import { beforeEach, describe, expect, it } from "vitest";
import {
  ActivateUser,
  CreateUser,
  DeactivateUser,
  DeleteUser,
  GetUser,
  ListUsers,
  SetPassword,
  UserNotFound,
  UsernameTaken,
  ValidationError,
} from "../../src/index.ts";
import {
  aSession,
  aStoredTask,
  aStoredUser,
  aUser,
  type FakePorts,
  fakePorts,
  GOOD_PASSWORD,
  InMemoryUserRepository,
  minutes,
  START,
} from "../../src/testing/index.ts";

let ports: FakePorts;

beforeEach(() => {
  ports = fakePorts();
});

const TAKEN = ["A user with that username already exists."];
const TOO_SIMILAR = "The password is too similar to the username or email.";

async function failure(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.catch((caught: unknown) => caught);
  if (!(error instanceof ValidationError)) throw new Error(`expected a ValidationError, got ${String(error)}`);
  return error;
}

describe("CreateUser", () => {
  it("stores an active user with a hash of the password, keeping the username's case", async () => {
    const user = await new CreateUser(ports).execute({
      username: " Alice ",
      email: "alice@example.com",
      password: GOOD_PASSWORD,
    });

    expect(user).toMatchObject({
      id: ports.ids.issued[0],
      username: "Alice",
      email: "alice@example.com",
      isActive: true,
      isStaff: false,
      isSuperuser: false,
      tokenVersion: 0,
      lastLogin: null,
    });
    expect(user.dateJoined).toEqual(START);
    expect(user.passwordHash).not.toContain(GOOD_PASSWORD);
    expect(await ports.hasher.verify(user.passwordHash, GOOD_PASSWORD)).toBe(true);
    expect(await ports.users.findByUsername("alice")).toBe(user);
  });

  it("makes staff and superusers when asked", async () => {
    const staff = await new CreateUser(ports).execute({ username: "sam", password: GOOD_PASSWORD, isStaff: true });
    const root = await new CreateUser(ports).execute({ username: "root", password: GOOD_PASSWORD, isSuperuser: true });

    expect(staff).toMatchObject({ isStaff: true, isSuperuser: false });
    expect(root).toMatchObject({ isStaff: true, isSuperuser: true });
  });

  it("reports every invalid field at once, hashing and storing nothing", async () => {
    const error = await failure(
      new CreateUser(ports).execute({ username: "no spaces", email: "nope", password: "123" }),
    );

    expect(Object.keys(error.errors).sort()).toEqual(["email", "password", "username"]);
    expect(error.errors.password).toEqual([
      "This password is too short. It must contain at least 8 characters.",
      "This password is entirely numeric.",
    ]);
    expect(ports.hasher.calls).toEqual([]);
    expect(await ports.users.count()).toBe(0);
  });

  it("refuses a username that is taken in another case, without hashing", async () => {
    await aStoredUser(ports, { username: "alice" });
    const hashesBefore = ports.hasher.calls.length;

    const error = await failure(new CreateUser(ports).execute({ username: "ALICE", password: GOOD_PASSWORD }));

    expect(error.errors).toEqual({ username: TAKEN });
    expect(ports.hasher.calls).toHaveLength(hashesBefore);
    expect(await ports.users.count()).toBe(1);
  });

  it("refuses a taken username written with surrounding spaces or in full-width letters", async () => {
    await aStoredUser(ports, { username: "alice" });
    const hashesBefore = ports.hasher.calls.length;

    const error = await failure(new CreateUser(ports).execute({ username: "  Ａｌｉｃｅ ", password: GOOD_PASSWORD }));

    expect(error.errors).toEqual({ username: TAKEN });
    expect(ports.hasher.calls).toHaveLength(hashesBefore);
  });

  it("reports a taken username together with the password's problems", async () => {
    await aStoredUser(ports, { username: "alice" });

    const error = await failure(new CreateUser(ports).execute({ username: "Alice", password: "short" }));

    expect(Object.keys(error.errors)).toEqual(["password", "username"]);
    expect(error.errors.username).toEqual(TAKEN);
  });

  it("compares the password with the username as it will be stored", async () => {
    const error = await failure(
      new CreateUser(ports).execute({ username: "  alice ", password: "alice-in-wonderland-42" }),
    );

    expect(error.errors).toEqual({ password: [TOO_SIMILAR] });
  });

  it("compares the password with the email's local part", async () => {
    const error = await failure(
      new CreateUser(ports).execute({ username: "al", email: "wonderland@example.com", password: "my-wonderland-42" }),
    );

    expect(error.errors).toEqual({ password: [TOO_SIMILAR] });
  });

  it("passes on the storage's UsernameTaken when another request took the username first", async () => {
    class TakenMeanwhile extends InMemoryUserRepository {
      override async findByUsername(): Promise<null> {
        return null;
      }
    }
    const users = new TakenMeanwhile();
    await users.add(aUser({ username: "alice" }));

    await expect(
      new CreateUser({ ...ports, users }).execute({ username: "alice", password: GOOD_PASSWORD }),
    ).rejects.toThrow(UsernameTaken);
  });

  it("lets an unexpected error through instead of reporting it as a field error", async () => {
    const input = { username: "alice", password: undefined } as unknown as { username: string; password: string };

    await expect(new CreateUser(ports).execute(input)).rejects.toThrow(TypeError);
  });
});

describe("SetPassword", () => {
  it("stores a hash of the new password and revokes every token the user had", async () => {
    const alice = await aStoredUser(ports, { username: "alice", tokenVersion: 2 });

    const updated = await new SetPassword(ports).execute({ username: "ALICE", password: "a brand new secret" });

    expect(updated.tokenVersion).toBe(3);
    expect(await ports.hasher.verify(updated.passwordHash, "a brand new secret")).toBe(true);
    expect(await ports.users.findById(alice.id)).toBe(updated);
  });

  it("refuses a password the policy refuses and keeps the old one", async () => {
    const alice = await aStoredUser(ports, { username: "alice" });
    const hashesBefore = ports.hasher.callsOf("hash").length;

    const error = await failure(new SetPassword(ports).execute({ username: "alice", password: "alice2025!" }));

    expect(error.errors).toEqual({ password: [TOO_SIMILAR] });
    expect(ports.hasher.callsOf("hash")).toHaveLength(hashesBefore);
    expect(await ports.users.findById(alice.id)).toBe(alice);
  });

  it("reports an unknown user", async () => {
    await expect(new SetPassword(ports).execute({ username: "nobody", password: GOOD_PASSWORD })).rejects.toThrow(
      UserNotFound,
    );
  });
});

describe("DeactivateUser and ActivateUser", () => {
  it("deactivates a user and revokes their tokens", async () => {
    const alice = await aStoredUser(ports, { username: "alice", tokenVersion: 1 });

    const deactivated = await new DeactivateUser(ports).execute({ username: "Alice" });

    expect(deactivated).toMatchObject({ isActive: false, tokenVersion: 2 });
    expect(await ports.users.findById(alice.id)).toBe(deactivated);
  });

  it("writes nothing when the user is already inactive", async () => {
    await aStoredUser(ports, { username: "alice", isActive: false });

    await new DeactivateUser(ports).execute({ username: "alice" });

    expect(ports.log.records.filter((record) => record.operation === "update")).toEqual([]);
  });

  it("activates a user again without reviving the tokens the deactivation revoked", async () => {
    const alice = await aStoredUser(ports, { username: "alice", isActive: false, tokenVersion: 2 });

    const activated = await new ActivateUser(ports).execute({ username: "alice" });

    expect(activated).toMatchObject({ isActive: true, tokenVersion: 2 });
    expect(await ports.users.findById(alice.id)).toBe(activated);
  });

  it("writes nothing when the user is already active", async () => {
    await aStoredUser(ports, { username: "alice" });

    await new ActivateUser(ports).execute({ username: "alice" });

    expect(ports.log.records.filter((record) => record.operation === "update")).toEqual([]);
  });

  it("reports an unknown user", async () => {
    await expect(new DeactivateUser(ports).execute({ username: "nobody" })).rejects.toThrow(UserNotFound);
    await expect(new ActivateUser(ports).execute({ username: "nobody" })).rejects.toThrow(UserNotFound);
  });
});

describe("DeleteUser", () => {
  it("deletes the user with their tasks and sessions, and only theirs", async () => {
    const alice = await aStoredUser(ports, { username: "alice" });
    const bob = await aStoredUser(ports, { username: "bob" });
    const { task: alicesTask } = await aStoredTask(ports, { ownerId: alice.id });
    const { task: bobsTask } = await aStoredTask(ports, { ownerId: bob.id });
    await ports.sessions.add(aSession({ userId: alice.id }));
    const bobsSession = aSession({ userId: bob.id });
    await ports.sessions.add(bobsSession);

    const deleted = await new DeleteUser(ports).execute({ username: "ALICE" });

    expect(deleted).toBe(alice);
    expect((await ports.users.list({ page: 1, pageSize: 1_000 })).items).toEqual([bob]);
    expect(await ports.tasks.findById(alicesTask.id)).toBeNull();
    expect(await ports.tasks.findById(bobsTask.id)).toBe(bobsTask);
    expect(ports.sessions.all()).toEqual([bobsSession]);
  });

  it("reports an unknown user and deletes nothing", async () => {
    await aStoredUser(ports, { username: "alice" });

    await expect(new DeleteUser(ports).execute({ username: "nobody" })).rejects.toThrow(UserNotFound);
    expect(await ports.users.count()).toBe(1);
  });
});

describe("GetUser and ListUsers", () => {
  it("finds a user by username in any case", async () => {
    const alice = await aStoredUser(ports, { username: "Alice" });

    expect(await new GetUser(ports).execute({ username: "aLICE" })).toBe(alice);
  });

  it("reports an unknown username, naming it", async () => {
    const error = await new GetUser(ports).execute({ username: "nobody" }).catch((caught) => caught);

    expect(error).toBeInstanceOf(UserNotFound);
    expect(error.message).toBe('No user named "nobody".');
  });

  it("lists every user, oldest first", async () => {
    const later = await aStoredUser(ports, { dateJoined: new Date(START.getTime() + minutes(1)) });
    const earlier = await aStoredUser(ports, { dateJoined: START });

    expect((await new ListUsers(ports).execute()).results).toEqual([earlier, later]);
  });
});
