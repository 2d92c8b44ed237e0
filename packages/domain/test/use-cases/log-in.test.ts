import { beforeEach, describe, expect, it } from "vitest";
import {
  DeactivateUser,
  InvalidCredentials,
  LogIn,
  type LogInInput,
  LoginThrottled,
  loginAttemptKeys,
  MAX_LOGIN_CHECKS_IN_FLIGHT,
  PasswordCheck,
  ServiceUnavailable,
  SetPassword,
  type User,
} from "../../src/index.ts";
import {
  ACCESS_TOKEN_TTL_MS,
  aStoredUser,
  CLIENT_ADDRESS,
  FAKE_LOGIN_SETTINGS,
  FakeLoginThrottle,
  FakePasswordHasher,
  type FakePorts,
  fakePorts,
  GOOD_PASSWORD,
  InMemoryUserRepository,
  REFRESH_TOKEN_TTL_MS,
} from "../../src/testing/index.ts";

let ports: FakePorts;
let alice: User;

beforeEach(async () => {
  ports = fakePorts();
  alice = await aStoredUser(ports, { username: "alice", tokenVersion: 4 });
});

const CLIENT = { address: CLIENT_ADDRESS, userAgent: "test-agent/1.0" };

function login(username: string, password: string, kind: "token" | "cookie" = "token"): LogInInput {
  return { username, password, kind, client: CLIENT };
}

/** LogIn on the fakes, its password checks made with `hasher` and counted by `throttle`. */
function logInWith(hasher: FakePasswordHasher, throttle = ports.throttle): LogIn {
  return new LogIn({ ...ports, passwords: new PasswordCheck({ ...ports, hasher, throttle }) });
}

async function tokenLogin(username: string, password = GOOD_PASSWORD, logIn = new LogIn(ports)) {
  const result = await logIn.execute(login(username, password));
  if (result.kind !== "token") throw new Error("expected a token login");
  return result;
}

async function failedLogin(username: string, password: string, logIn = new LogIn(ports)) {
  const error = await logIn.execute(login(username, password)).catch((caught: unknown) => caught);
  if (!(error instanceof InvalidCredentials)) throw new Error(`expected InvalidCredentials, got ${String(error)}`);
  return error;
}

/** A hasher whose verifications wait until the test lets them go, to hold logins in flight. */
class GatedHasher extends FakePasswordHasher {
  private readonly gates: Array<() => void> = [];

  override async verify(hash: string, password: string): Promise<boolean> {
    await new Promise<void>((resolve) => this.gates.push(resolve));
    return super.verify(hash, password);
  }

  get waiting(): number {
    return this.gates.length;
  }

  openAll(): void {
    for (const open of this.gates.splice(0)) open();
  }

  /** Opens the gates as verifications reach them, until every one of `attempts` has settled. */
  async letThrough<T>(attempts: readonly Promise<T>[]): Promise<T[]> {
    let settled = false;
    const all = Promise.all(attempts).finally(() => {
      settled = true;
    });
    while (!settled) {
      await until(() => settled || this.waiting > 0);
      this.openAll();
    }
    return all;
  }
}

/** Lets the fakes' promises run until `condition` holds (they settle in microtasks only). */
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 10_000 && !condition(); turn++) await Promise.resolve();
  if (!condition()) throw new Error("the condition never came true");
}

describe("LogIn with tokens", () => {
  it("issues a Bearer pair whose tokens speak for the user, their login and their token version", async () => {
    const { pair, session, user } = await tokenLogin("alice");

    const access = await ports.tokens.verifyAccessToken(pair.access);
    const refresh = await ports.tokens.verifyRefreshToken(pair.refresh);
    expect(user.id).toBe(alice.id);
    expect(pair.tokenType).toBe("Bearer");
    expect(pair.expiresIn).toBe(ACCESS_TOKEN_TTL_MS / 1000);
    expect(access).toEqual({
      userId: alice.id,
      sessionId: session.id,
      tokenId: session.accessTokenId,
      tokenVersion: 4,
    });
    expect(refresh).toEqual({
      userId: alice.id,
      sessionId: session.id,
      tokenId: session.refreshTokenId,
      tokenVersion: 4,
    });
  });

  it("starts a token login recording its pair, its client, its expiry and its end", async () => {
    const now = ports.clock.now();
    const { session } = await tokenLogin("alice");

    expect(await ports.sessions.findById(session.id)).toEqual(session);
    expect(session).toMatchObject({
      kind: "token",
      userId: alice.id,
      tokenVersion: 4,
      issuedAt: now,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: new Date(now.getTime() + REFRESH_TOKEN_TTL_MS),
      endsAt: new Date(now.getTime() + FAKE_LOGIN_SETTINGS.maxAgeMs),
      ipAddress: CLIENT_ADDRESS,
      userAgent: "test-agent/1.0",
      revokedAt: null,
    });
  });

  it("records the last login, with the login, in one transaction", async () => {
    await tokenLogin("alice");

    expect((await ports.users.findById(alice.id))?.lastLogin).toEqual(ports.clock.now());
    const writes = ports.log.records.filter((record) => record.transaction !== null);
    expect(writes.map(({ repository, operation }) => `${repository}.${operation}`)).toEqual([
      "sessions.add",
      "users.update",
    ]);
    expect(ports.unitOfWork.transactions).toEqual([{ number: 1, outcome: "committed" }]);
  });

  it("keeps no login when the last login cannot be recorded", async () => {
    class BrokenRecordLogin extends InMemoryUserRepository {
      override async recordLogin(): Promise<void> {
        throw new Error("connection lost");
      }
    }
    const users = new BrokenRecordLogin(ports.log);
    await users.add(alice);
    const logIn = new LogIn({ ...ports, users, passwords: new PasswordCheck({ ...ports, users }) });

    await expect(logIn.execute(login("alice", GOOD_PASSWORD))).rejects.toThrow("connection lost");
    expect(ports.sessions.all()).toEqual([]);
    expect(ports.unitOfWork.transactions).toEqual([{ number: 1, outcome: "rolled back" }]);
  });

  it("finds the user whatever the case of the username", async () => {
    await expect(tokenLogin("ALICE")).resolves.toMatchObject({ kind: "token" });
  });
});

describe("LogIn with a cookie", () => {
  it("starts a cookie login whose key only the caller gets, storage keeping its hash", async () => {
    const now = ports.clock.now();
    const result = await new LogIn(ports).execute(login("alice", GOOD_PASSWORD, "cookie"));
    if (result.kind !== "cookie") throw new Error("expected a cookie login");

    expect(result.key).toBe(ports.keys.made[0]);
    expect(result.session).toMatchObject({
      kind: "cookie",
      keyHash: ports.keys.hash(result.key),
      refreshTokenId: null,
      tokenVersion: 4,
      expiresAt: new Date(now.getTime() + FAKE_LOGIN_SETTINGS.sessionTtlMs),
    });
    expect(JSON.stringify(ports.sessions.all())).not.toContain(`"${result.key}"`);
    expect(ports.tokens.issued).toEqual([]);
  });
});

describe("LogIn refusals", () => {
  it("refuses a wrong password and writes nothing", async () => {
    await failedLogin("alice", "not the password");

    expect(ports.sessions.all()).toEqual([]);
    expect(ports.tokens.issued).toEqual([]);
    expect((await ports.users.findById(alice.id))?.lastLogin).toBeNull();
  });

  it("refuses an inactive user even with the right password, after checking it like any other", async () => {
    await aStoredUser(ports, { username: "carol", isActive: false });

    await failedLogin("carol", GOOD_PASSWORD);

    expect(ports.hasher.callsOf("verify")).toEqual([
      expect.objectContaining({ password: GOOD_PASSWORD, result: true }),
    ]);
    expect(ports.sessions.all()).toEqual([]);
  });

  it("costs an unknown user exactly one verification against a real hash", async () => {
    await failedLogin("nobody", GOOD_PASSWORD);

    const verifications = ports.hasher.callsOf("verify");
    expect(verifications).toHaveLength(1);
    expect(ports.hasher.made(verifications[0]?.hash ?? "")).toBe(true);
    expect(verifications[0]?.hash).not.toBe(alice.passwordHash);
  });

  it("makes the hash it verifies unknown users against only once", async () => {
    const logIn = new LogIn(ports);
    const hashesBefore = ports.hasher.callsOf("hash").length;

    await failedLogin("nobody", "x", logIn);
    await failedLogin("nobody-else", "y", logIn);

    expect(ports.hasher.callsOf("hash")).toHaveLength(hashesBefore + 1);
    expect(ports.hasher.callsOf("verify")).toHaveLength(2);
  });

  it("gives a wrong password, an unknown user and an inactive user one and the same error", async () => {
    await aStoredUser(ports, { username: "carol", isActive: false });

    const errors = [
      await failedLogin("alice", "wrong password"),
      await failedLogin("nobody", GOOD_PASSWORD),
      await failedLogin("carol", GOOD_PASSWORD),
    ];

    for (const error of errors) {
      expect(error.code).toBe("INVALID_CREDENTIALS");
      expect(error.message).toBe("No active account found with the given credentials.");
    }
  });

  it("records a failed login as a security event, with the username and address and no password", async () => {
    await failedLogin("alice", "a secret guess");

    expect(ports.events.recorded).toEqual([
      { event: "login_failed", username: "alice", clientAddress: CLIENT_ADDRESS },
    ]);
    expect(JSON.stringify(ports.events.recorded)).not.toContain("a secret guess");
  });
});

describe("LogIn for staff only (the web admin)", () => {
  const [usernameKey = "", addressKey = ""] = loginAttemptKeys("alice", CLIENT_ADDRESS);
  const staffLogin = (username: string, password = GOOD_PASSWORD): LogInInput => ({
    ...login(username, password, "cookie"),
    staffOnly: true,
  });

  it("logs in a staff user", async () => {
    const staff = await aStoredUser(ports, { username: "sam", isStaff: true });

    const result = await new LogIn(ports).execute(staffLogin("sam"));

    expect(result.user.id).toBe(staff.id);
    expect(ports.sessions.all()).toHaveLength(1);
  });

  it("refuses a user who is not staff as a wrong password is refused, after checking the password, and starts no login", async () => {
    const error = await new LogIn(ports).execute(staffLogin("alice")).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(InvalidCredentials);
    expect((error as InvalidCredentials).message).toBe("No active account found with the given credentials.");
    expect(ports.hasher.callsOf("verify")).toEqual([
      expect.objectContaining({ password: GOOD_PASSWORD, result: true }),
    ]);
    expect(ports.sessions.all()).toEqual([]);
    expect((await ports.users.findById(alice.id))?.lastLogin).toBeNull();
  });

  it("counts a refused user who is not staff as a failed login, with its security event", async () => {
    await new LogIn(ports).execute(staffLogin("alice")).catch(() => undefined);

    expect(ports.throttle.counts).toEqual(
      new Map([
        [usernameKey, 1],
        [addressKey, 1],
      ]),
    );
    expect(ports.events.recorded).toEqual([
      { event: "login_failed", username: "alice", clientAddress: CLIENT_ADDRESS },
    ]);
  });

  it("lets a user who is not staff log in when staff is not asked for", async () => {
    const result = await new LogIn(ports).execute({ ...login("alice", GOOD_PASSWORD, "cookie"), staffOnly: false });

    expect(result.user.id).toBe(alice.id);
  });
});

describe("LogIn and the failed-login throttle", () => {
  const [usernameKey = "", addressKey = ""] = loginAttemptKeys("alice", CLIENT_ADDRESS);

  it("counts a wrong password against the username and the address", async () => {
    await failedLogin("ALICE", "wrong password");

    expect(ports.throttle.counts).toEqual(
      new Map([
        [usernameKey, 1],
        [addressKey, 1],
      ]),
    );
  });

  it("gives back the attempt of a successful login", async () => {
    await tokenLogin("alice");

    expect(ports.throttle.counts).toEqual(
      new Map([
        [usernameKey, 0],
        [addressKey, 0],
      ]),
    );
  });

  it("gives back the attempt of a login that could not be checked", async () => {
    class Unreachable extends InMemoryUserRepository {
      override async findByUsername(): Promise<User | null> {
        throw new ServiceUnavailable("connection refused");
      }
    }
    const passwords = new PasswordCheck({ ...ports, users: new Unreachable() });

    await expect(new LogIn({ ...ports, passwords }).execute(login("alice", GOOD_PASSWORD))).rejects.toBeInstanceOf(
      ServiceUnavailable,
    );
    expect(ports.throttle.counts).toEqual(
      new Map([
        [usernameKey, 0],
        [addressKey, 0],
      ]),
    );
  });

  it("refuses a throttled username before checking any password, even the right one", async () => {
    const throttle = new FakeLoginThrottle(1, 600);
    throttle.counts.set(usernameKey, 1);

    const error = await logInWith(ports.hasher, throttle)
      .execute(login("alice", GOOD_PASSWORD))
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(LoginThrottled);
    expect(error).toMatchObject({ code: "LOGIN_THROTTLED", retryAfterSeconds: 600 });
    expect(ports.hasher.callsOf("verify")).toEqual([]);
    expect(ports.sessions.all()).toEqual([]);
    expect(ports.events.names()).toEqual(["login_throttled"]);
  });

  it("checks no more wrong guesses than the limit, however they arrive", async () => {
    const throttle = new FakeLoginThrottle(3, 600);
    const hasher = new GatedHasher();
    const logIn = logInWith(hasher, throttle);
    const outcomes: unknown[] = [];
    // Bursts from as many addresses as guesses, so that only the username's count can stop them.
    for (let burst = 0; burst < 4; burst++) {
      const guesses = Array.from({ length: 10 }, (_, index) =>
        logIn
          .execute({
            ...login("alice", "guess"),
            client: { ...CLIENT, address: `198.51.100.${burst * 10 + index}` },
          })
          .catch((caught: unknown) => caught),
      );
      outcomes.push(...(await hasher.letThrough(guesses)));
    }

    expect(hasher.callsOf("verify")).toHaveLength(3);
    expect(outcomes.filter((outcome) => outcome instanceof InvalidCredentials)).toHaveLength(3);
    expect(outcomes.filter((outcome) => outcome instanceof LoginThrottled)).toHaveLength(37);
    await expect(
      logIn.execute({ ...login("alice", GOOD_PASSWORD), client: { ...CLIENT, address: "203.0.113.1" } }),
    ).rejects.toMatchObject({ code: "LOGIN_THROTTLED", retryAfterSeconds: 600 });
  });

  it(`checks at most ${MAX_LOGIN_CHECKS_IN_FLIGHT} logins of one address at once, and counts the others as nothing`, async () => {
    const hasher = new GatedHasher();
    const logIn = logInWith(hasher);
    const users = await Promise.all(
      ["bob", "carol", "dave"].map((username) => aStoredUser({ ...ports, hasher }, { username })),
    );
    const attempts = users.map((user) =>
      logIn.execute(login(user.username, GOOD_PASSWORD)).catch((caught: unknown) => caught),
    );
    await until(() => hasher.waiting === MAX_LOGIN_CHECKS_IN_FLIGHT);
    hasher.openAll();

    const outcomes = await Promise.all(attempts);
    expect(outcomes.filter((outcome) => outcome instanceof LoginThrottled)).toEqual([
      expect.objectContaining({ retryAfterSeconds: 1 }),
    ]);
    expect(ports.throttle.counts.get(addressKey)).toBe(0);
    // Once those checks are done, the address may try again.
    const again = logIn.execute(login("dave", GOOD_PASSWORD));
    await until(() => hasher.waiting === 1);
    hasher.openAll();
    await expect(again).resolves.toMatchObject({ kind: "token" });
  });
});

describe("LogIn racing an operator", () => {
  it("does not make a user active again that was deactivated while their password was checked", async () => {
    const hasher = new GatedHasher();
    const bob = await aStoredUser({ ...ports, hasher }, { username: "bob" });
    const inFlight = logInWith(hasher).execute(login("bob", GOOD_PASSWORD));
    await until(() => hasher.waiting === 1);

    await new DeactivateUser(ports).execute({ username: "bob" });
    hasher.openAll();
    const result = await inFlight;

    expect(await ports.users.findById(bob.id)).toMatchObject({ isActive: false, tokenVersion: bob.tokenVersion + 1 });
    // The login that raced the deactivation is valid under the old version only: dead on arrival.
    expect(result.session.isCurrentFor(bob.tokenVersion + 1)).toBe(false);
  });

  it("does not bring back the old password that was replaced while it was checked", async () => {
    const hasher = new GatedHasher();
    const bob = await aStoredUser({ ...ports, hasher }, { username: "bob" });
    const inFlight = logInWith(hasher).execute(login("bob", GOOD_PASSWORD));
    await until(() => hasher.waiting === 1);

    const changed = await new SetPassword({ ...ports, hasher }).execute({
      username: "bob",
      password: "a brand new secret",
    });
    hasher.openAll();
    const result = await inFlight;

    expect(await ports.users.findById(bob.id)).toMatchObject({
      passwordHash: changed.passwordHash,
      tokenVersion: bob.tokenVersion + 1,
    });
    expect(result.session.isCurrentFor(changed.tokenVersion)).toBe(false);
  });
});
