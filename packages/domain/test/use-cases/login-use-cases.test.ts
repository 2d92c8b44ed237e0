import { beforeEach, describe, expect, it } from "vitest";
import {
  ChangePassword,
  CreateUser,
  ENDED_LOGIN_GRACE_MS,
  EndLogin,
  InvalidToken,
  ListLogins,
  LoginNotFound,
  LoginThrottled,
  PASSWORD_MISMATCH,
  PasswordCheck,
  PurgeEndedLogins,
  RefreshSession,
  Register,
  ResolveCaller,
  RevokeLogins,
  type Session,
  type User,
  UsernameTaken,
  ValidationError,
  VerifyToken,
  WRONG_OLD_PASSWORD,
} from "../../src/index.ts";
import {
  aSession,
  aStoredUser,
  CLIENT_ADDRESS,
  FakeLoginThrottle,
  type FakePorts,
  fakePorts,
  GOOD_PASSWORD,
  logIn,
  minutes,
} from "../../src/testing/index.ts";

let ports: FakePorts;
let alice: User;

beforeEach(async () => {
  ports = fakePorts();
  alice = await aStoredUser(ports, { username: "alice" });
});

async function loginOf(access: string): Promise<Session> {
  const { sessionId } = await ports.tokens.verifyAccessToken(access);
  return (await ports.sessions.findById(sessionId)) as Session;
}

describe("ListLogins", () => {
  it("lists a user's live logins, newest first, and no one else's", async () => {
    const first = await loginOf((await logIn(ports, "alice")).access);
    ports.clock.advance(minutes(1));
    const second = await loginOf((await logIn(ports, "alice")).access);
    await aStoredUser(ports, { username: "bob" });
    await logIn(ports, "bob");

    expect((await new ListLogins(ports).execute({ userId: alice.id })).map((session) => session.id)).toEqual([
      second.id,
      first.id,
    ]);
  });
});

describe("EndLogin", () => {
  it("ends one of the caller's logins, whose tokens then stop working", async () => {
    const pair = await logIn(ports, "alice");
    const session = await loginOf(pair.access);

    await new EndLogin(ports).execute({ userId: alice.id, sessionId: session.id, reason: "user" });

    expect(await ports.sessions.findById(session.id)).toMatchObject({ revocationReason: "user" });
    await expect(new ResolveCaller(ports).execute({ accessToken: pair.access })).rejects.toBeInstanceOf(InvalidToken);
    expect(ports.events.recorded.at(-1)).toEqual({
      event: "login_revoked",
      userId: alice.id,
      sessionId: session.id,
      by: "user",
    });
  });

  it("answers LoginNotFound, alike, for another user's login, an unknown one and an ended one", async () => {
    const bob = await aStoredUser(ports, { username: "bob" });
    const bobs = await loginOf((await logIn(ports, "bob")).access);
    const ended = aSession({ userId: alice.id, revokedAt: ports.clock.now(), revocationReason: "logout" });
    await ports.sessions.add(ended);

    for (const sessionId of [bobs.id, "no-such-login", ended.id])
      await expect(new EndLogin(ports).execute({ userId: alice.id, sessionId, reason: "user" })).rejects.toBeInstanceOf(
        LoginNotFound,
      );
    expect((await ports.sessions.findById(bobs.id))?.revokedAt).toBeNull();
    expect(bob.id).not.toBe(alice.id);
  });
});

describe("RevokeLogins", () => {
  it("revokes every other login of the caller, keeping theirs", async () => {
    const current = await loginOf((await logIn(ports, "alice")).access);
    const others = [
      await loginOf((await logIn(ports, "alice")).access),
      await loginOf((await logIn(ports, "alice")).access),
    ];

    expect(
      await new RevokeLogins(ports).execute({ userId: alice.id, reason: "user", exceptSessionId: current.id }),
    ).toBe(2);

    expect((await ports.sessions.findById(current.id))?.revokedAt).toBeNull();
    for (const other of others)
      expect(await ports.sessions.findById(other.id)).toMatchObject({ revocationReason: "user" });
  });

  it("revokes every login of a user for an operator, and says nothing when there was none", async () => {
    await logIn(ports, "alice");
    expect(await new RevokeLogins(ports).execute({ userId: alice.id, reason: "admin" })).toBe(1);
    expect(await new RevokeLogins(ports).execute({ userId: alice.id, reason: "admin" })).toBe(0);
    expect(ports.events.names().filter((name) => name === "login_revoked")).toHaveLength(1);
  });
});

describe("ChangePassword", () => {
  const change = async (current: Session, oldPassword: string, newPassword: string) =>
    new ChangePassword(ports).execute({
      userId: alice.id,
      sessionId: current.id,
      oldPassword,
      newPassword,
      clientAddress: CLIENT_ADDRESS,
    });

  it("changes the password, keeps the caller's login and revokes every other", async () => {
    const mine = await logIn(ports, "alice");
    const other = await logIn(ports, "alice");
    const current = await loginOf(mine.access);

    await change(current, GOOD_PASSWORD, "a brand new pass phrase");

    const resolve = new ResolveCaller(ports);
    await expect(resolve.execute({ accessToken: mine.access })).resolves.toMatchObject({ user: { id: alice.id } });
    await expect(new RefreshSession(ports).execute({ refresh: mine.refresh })).resolves.toMatchObject({
      tokenType: "Bearer",
    });
    await expect(resolve.execute({ accessToken: other.access })).rejects.toBeInstanceOf(InvalidToken);
    await expect(logIn(ports, "alice", "a brand new pass phrase")).resolves.toMatchObject({ tokenType: "Bearer" });
    expect(ports.events.names().slice(-2)).toEqual(["password_changed", "login_revoked"]);
  });

  it("refuses a wrong old password naming old_password, and changes nothing", async () => {
    const current = await loginOf((await logIn(ports, "alice")).access);

    const error = await change(current, "not it", "a brand new pass phrase").catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors).toEqual({ old_password: [WRONG_OLD_PASSWORD] });
    expect((await ports.users.findById(alice.id))?.passwordHash).toBe(alice.passwordHash);
  });

  it("refuses a confirmation that differs from the new password, with the policy's problems, and changes nothing", async () => {
    const current = await loginOf((await logIn(ports, "alice")).access);

    const error = await new ChangePassword(ports)
      .execute({
        userId: alice.id,
        sessionId: current.id,
        oldPassword: GOOD_PASSWORD,
        newPassword: "alice",
        newPasswordConfirmation: "alice!",
        clientAddress: CLIENT_ADDRESS,
      })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ValidationError);
    expect(Object.keys((error as ValidationError).errors)).toEqual(["new_password", "new_password_confirmation"]);
    expect((error as ValidationError).errors.new_password_confirmation).toEqual([PASSWORD_MISMATCH]);
    expect((await ports.users.findById(alice.id))?.passwordHash).toBe(alice.passwordHash);
  });

  it("accepts a confirmation equal to the new password", async () => {
    const current = await loginOf((await logIn(ports, "alice")).access);

    await new ChangePassword(ports).execute({
      userId: alice.id,
      sessionId: current.id,
      oldPassword: GOOD_PASSWORD,
      newPassword: "a brand new pass phrase",
      newPasswordConfirmation: "a brand new pass phrase",
      clientAddress: CLIENT_ADDRESS,
    });

    await expect(logIn(ports, "alice", "a brand new pass phrase")).resolves.toMatchObject({ tokenType: "Bearer" });
  });

  it("applies the password policy to the new password, naming new_password", async () => {
    const current = await loginOf((await logIn(ports, "alice")).access);

    const error = await change(current, GOOD_PASSWORD, "alice").catch((caught: unknown) => caught);

    expect(Object.keys((error as ValidationError).errors)).toEqual(["new_password"]);
    expect((await ports.users.findById(alice.id))?.tokenVersion).toBe(alice.tokenVersion);
  });

  it("counts wrong old passwords with the failed-login throttle", async () => {
    const throttle = new FakeLoginThrottle(2, 60);
    const current = await loginOf((await logIn(ports, "alice")).access);
    const changePassword = new ChangePassword({
      ...ports,
      passwords: new PasswordCheck({ ...ports, throttle }),
    });
    const attempt = () =>
      changePassword
        .execute({
          userId: alice.id,
          sessionId: current.id,
          oldPassword: "guess",
          newPassword: "a brand new pass phrase",
          clientAddress: CLIENT_ADDRESS,
        })
        .catch((caught: unknown) => caught);

    expect(await attempt()).toBeInstanceOf(ValidationError);
    expect(await attempt()).toBeInstanceOf(ValidationError);
    expect(await attempt()).toBeInstanceOf(LoginThrottled);
  });
});

describe("VerifyToken", () => {
  it("accepts an access or a refresh token of a live login", async () => {
    const pair = await logIn(ports, "alice");
    await expect(new VerifyToken(ports).execute({ token: pair.access })).resolves.toBeUndefined();
    await expect(new VerifyToken(ports).execute({ token: pair.refresh })).resolves.toBeUndefined();
  });

  it("accepts a spent refresh token within the reuse window only, and changes nothing", async () => {
    const pair = await logIn(ports, "alice");
    const next = await new RefreshSession(ports).execute({ refresh: pair.refresh });
    await expect(new VerifyToken(ports).execute({ token: pair.refresh })).resolves.toBeUndefined();
    ports.clock.advance(ports.settings.reuseWindowMs + 1);
    const verifying = new VerifyToken(ports).execute({ token: pair.refresh });
    await expect(verifying).rejects.toBeInstanceOf(InvalidToken);
    await expect(verifying).rejects.toMatchObject({ reason: "refresh token spent" });
    await expect(new VerifyToken(ports).execute({ token: next.refresh })).resolves.toBeUndefined();
    await expect(new VerifyToken(ports).execute({ token: next.access })).resolves.toBeUndefined();
  });

  it("refuses a token of a revoked login, and anything that is no token", async () => {
    const pair = await logIn(ports, "alice");
    await new RevokeLogins(ports).execute({ userId: alice.id, reason: "admin" });
    for (const token of [pair.access, pair.refresh, "nonsense"])
      await expect(new VerifyToken(ports).execute({ token })).rejects.toBeInstanceOf(InvalidToken);
  });
});

describe("Register", () => {
  const register = (username: string, clientAddress = CLIENT_ADDRESS, throttle = ports.throttle) =>
    new Register({ createUser: new CreateUser(ports), throttle }).execute({
      username,
      password: GOOD_PASSWORD,
      email: `${username}@example.com`,
      clientAddress,
    });

  it("creates an ordinary active user", async () => {
    const user = await register("newcomer");
    expect(user).toMatchObject({ username: "newcomer", isStaff: false, isSuperuser: false, isActive: true });
  });

  it("refuses a taken username, naming it", async () => {
    await expect(register("ALICE")).rejects.toBeInstanceOf(ValidationError);
    await expect(register("ALICE")).rejects.toMatchObject({ errors: new UsernameTaken("ALICE").errors });
  });

  it("counts every attempt against the client's address, taken or not", async () => {
    const throttle = new FakeLoginThrottle(2, 60);
    await register("one", "203.0.113.5", throttle);
    await register("ALICE", "203.0.113.5", throttle).catch(() => undefined);
    await expect(register("three", "203.0.113.5", throttle)).rejects.toBeInstanceOf(LoginThrottled);
    await expect(register("three", "203.0.113.6", throttle)).resolves.toMatchObject({ username: "three" });
  });
});

describe("PurgeEndedLogins", () => {
  it("deletes the logins that ended more than the grace period ago", async () => {
    const now = ports.clock.now();
    const old = aSession({ userId: alice.id, revokedAt: now, revocationReason: "logout" });
    const recent = aSession({ userId: alice.id, expiresAt: new Date(now.getTime() + minutes(1)) });
    await ports.sessions.add(old);
    await ports.sessions.add(recent);
    ports.clock.advance(ENDED_LOGIN_GRACE_MS + 1);

    expect(await new PurgeEndedLogins(ports).execute()).toBe(1);
    expect(await ports.sessions.findById(old.id)).toBeNull();
    expect(await ports.sessions.findById(recent.id)).toEqual(recent);
  });
});
