import { beforeEach, describe, expect, it } from "vitest";
import {
  ActivateUser,
  DeactivateUser,
  InvalidSession,
  InvalidToken,
  LAST_USED_RESOLUTION_MS,
  LogIn,
  LogOut,
  ResolveCaller,
  SetPassword,
  type TokenPair,
  type User,
} from "../../src/index.ts";
import {
  ACCESS_TOKEN_TTL_MS,
  aStoredUser,
  CLIENT_ADDRESS,
  type FakePorts,
  fakePorts,
  GOOD_PASSWORD,
  logIn,
} from "../../src/testing/index.ts";

let ports: FakePorts;
let alice: User;
let login: TokenPair;

beforeEach(async () => {
  ports = fakePorts();
  alice = await aStoredUser(ports, { username: "alice" });
  login = await logIn(ports, "alice");
});

const resolve = (credential: { accessToken: string } | { sessionKey: string }) =>
  new ResolveCaller(ports).execute(credential);

async function cookieLogin(username = "alice"): Promise<string> {
  const result = await new LogIn(ports).execute({
    username,
    password: GOOD_PASSWORD,
    kind: "cookie",
    client: { address: CLIENT_ADDRESS, userAgent: null },
  });
  if (result.kind !== "cookie") throw new Error("expected a cookie login");
  return result.key;
}

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  const error = await promise.then(
    () => "accepted",
    (caught: unknown) => caught,
  );
  if (error === "accepted") throw new Error("expected a refusal");
  return error;
}

describe("ResolveCaller with an access token", () => {
  it("answers the user and the login the token speaks for", async () => {
    const caller = await resolve({ accessToken: login.access });
    const { sessionId } = await ports.tokens.verifyAccessToken(login.access);
    expect(caller.user).toEqual(await ports.users.findById(alice.id));
    expect(caller.session.id).toBe(sessionId);
  });

  it("refuses it at once after logout, though it has not expired", async () => {
    await new LogOut(ports).execute({ refresh: login.refresh });
    expect(await refusal(resolve({ accessToken: login.access }))).toBeInstanceOf(InvalidToken);
  });

  it("refuses the token of a deleted user", async () => {
    await ports.users.delete(alice.id);
    expect(await refusal(resolve({ accessToken: login.access }))).toMatchObject({ reason: "unknown login" });
  });

  it("refuses the token of a deactivated user, and still after they are activated again", async () => {
    await new DeactivateUser(ports).execute({ username: "alice" });
    await refusal(resolve({ accessToken: login.access }));
    await new ActivateUser(ports).execute({ username: "alice" });
    expect(await refusal(resolve({ accessToken: login.access }))).toBeInstanceOf(InvalidToken);
  });

  it("refuses a token issued before the password changed, and accepts one issued after", async () => {
    await new SetPassword(ports).execute({ username: "alice", password: "a brand new secret" });
    await refusal(resolve({ accessToken: login.access }));
    const fresh = await logIn(ports, "alice", "a brand new secret");
    await expect(resolve({ accessToken: fresh.access })).resolves.toMatchObject({ user: { id: alice.id } });
  });

  it("refuses an expired access token, and a refresh token in place of one", async () => {
    await refusal(resolve({ accessToken: login.refresh }));
    ports.clock.advance(ACCESS_TOKEN_TTL_MS);
    expect(await refusal(resolve({ accessToken: login.access }))).toBeInstanceOf(InvalidToken);
  });
});

describe("ResolveCaller with a session cookie", () => {
  it("answers the user and the cookie login the key belongs to", async () => {
    const key = await cookieLogin();
    const caller = await resolve({ sessionKey: key });
    expect(caller.user.id).toBe(alice.id);
    const stored = await ports.sessions.findWithUser({ keyHash: ports.keys.hash(key) });
    expect(caller.session).toMatchObject({ kind: "cookie", id: stored?.session.id });
    // The guard reads the login's state, not its key.
    expect(caller.session).not.toHaveProperty("keyHash");
  });

  it("refuses an unknown key, an ended login, and a login whose user was deactivated", async () => {
    expect(await refusal(resolve({ sessionKey: "not-a-key" }))).toBeInstanceOf(InvalidSession);
    const key = await cookieLogin();
    await new DeactivateUser(ports).execute({ username: "alice" });
    expect(await refusal(resolve({ sessionKey: key }))).toBeInstanceOf(InvalidSession);
  });

  it("refuses the cookie once it expires", async () => {
    const key = await cookieLogin();
    ports.clock.advance(ports.settings.sessionTtlMs);
    expect(await refusal(resolve({ sessionKey: key }))).toBeInstanceOf(InvalidSession);
  });

  it("does not take a token login's id for a cookie key", async () => {
    const { sessionId } = await ports.tokens.verifyAccessToken(login.access);
    expect(await refusal(resolve({ sessionKey: sessionId }))).toBeInstanceOf(InvalidSession);
  });
});

describe("ResolveCaller and the last use", () => {
  it("moves a login's last use at most once a minute", async () => {
    const { sessionId } = await ports.tokens.verifyAccessToken(login.access);
    const started = ports.clock.now();
    ports.clock.advance(LAST_USED_RESOLUTION_MS - 1);
    await resolve({ accessToken: login.access });
    expect((await ports.sessions.findById(sessionId))?.lastUsedAt).toEqual(started);

    ports.clock.advance(1);
    await resolve({ accessToken: login.access });
    expect((await ports.sessions.findById(sessionId))?.lastUsedAt).toEqual(ports.clock.now());
  });
});
