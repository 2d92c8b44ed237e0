import { randomBytes } from "node:crypto";
import type { PasswordHasher } from "@tasks/domain";
import { FakeClock } from "@tasks/domain/testing";
import { openTestDatabase, type TestDatabase } from "@tasks/persistence/testing";
import { Argon2PasswordHasher } from "@tasks/security";
import { connectTestRedis, describeWith } from "@tasks/testing";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "./support/http.ts";
import { CHEAP_HASHER_PARAMETERS, PASSWORD, type TestApi, type TestUser, testApiOn } from "./support/test-api.ts";

const MAX_FAILURES = 3;

const testRedis = await connectTestRedis();
/** Undefined only when Redis is missing, and then the suites that use it are skipped. */
const redis = testRedis.available ? testRedis.redis : undefined;

/** The cheap test hasher, counting the passwords it checks. */
class CountingHasher implements PasswordHasher {
  wrongPasswords = 0;
  private readonly hasher = new Argon2PasswordHasher(CHEAP_HASHER_PARAMETERS);

  hash(password: string): Promise<string> {
    return this.hasher.hash(password);
  }

  async verify(hash: string, password: string): Promise<boolean> {
    const matches = await this.hasher.verify(hash, password);
    if (!matches) this.wrongPasswords += 1;
    return matches;
  }
}

let address = 0;
/** A client address no other test uses, so that counts never leak between tests. */
function freshAddress(): string {
  address += 1;
  return `10.${Math.floor(address / 250)}.${address % 250}.${randomBytes(1)[0] ?? 1}`;
}

describe("failed-login throttle", () => {
  let testDatabase: TestDatabase;
  let api: TestApi;

  beforeAll(async () => {
    testDatabase = await openTestDatabase("pglite", { inMemory: true });
    api = await testApiOn("pglite", testDatabase, {
      config: { loginMaxFailures: MAX_FAILURES, loginFailureWindowSeconds: 60 },
    });
  });
  afterAll(async () => {
    await api?.close();
    await testDatabase?.close();
  });

  const login = (app: TestApi, username: string, password: string, remoteAddress: string) =>
    app.app.inject({ method: "POST", url: "/api/auth/login/", payload: { username, password }, remoteAddress });
  const fail = async (app: TestApi, username: string, remoteAddress: string) =>
    expect((await login(app, username, "wrong password", remoteAddress)).statusCode).toBe(401);

  it("refuses a username after its failures are used up, right password or not, from any address", async () => {
    const victim = await api.signUp("victim");
    for (let attempt = 0; attempt < MAX_FAILURES; attempt += 1) await fail(api, victim.username, freshAddress());
    const response = await login(api, victim.username.toUpperCase(), PASSWORD, freshAddress());
    const body = expectProblem(response, 429);
    expect(body.type).toBe("urn:tasks:problem:login-throttled");
    const retryAfter = Number(response.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another user from the same addresses is not affected.
    const other = await api.signUp("bystander");
    expect((await login(api, other.username, PASSWORD, freshAddress())).statusCode).toBe(200);
  });

  it("refuses an address after its failures are used up, whatever the username", async () => {
    const from = freshAddress();
    for (let attempt = 0; attempt < MAX_FAILURES; attempt += 1) await fail(api, `nobody-${attempt}`, from);
    const user = await api.signUp("shared-wifi");
    expectProblem(await login(api, user.username, PASSWORD, from), 429);
    expect((await login(api, user.username, PASSWORD, freshAddress())).statusCode).toBe(200);
  });

  it("does not count successful logins", async () => {
    const user = await api.signUp("regular");
    const from = freshAddress();
    for (let attempt = 0; attempt < MAX_FAILURES + 2; attempt += 1)
      expect((await login(api, user.username, PASSWORD, from)).statusCode).toBe(200);
  });

  it("lets the user in again once the window has passed, not before", async () => {
    // Starts at the wall time: the tokens it stamps must also pass checks made against the wall clock.
    const clock = new FakeClock(new Date());
    const shortWindow = await testApiOn("pglite", testDatabase, {
      config: { loginMaxFailures: 1, loginFailureWindowSeconds: 1 },
      clock,
    });
    try {
      const user = await shortWindow.signUp("patient");
      const from = freshAddress();
      await fail(shortWindow, user.username, from);
      expectProblem(await login(shortWindow, user.username, PASSWORD, from), 429);
      clock.advance(999);
      expectProblem(await login(shortWindow, user.username, PASSWORD, from), 429);
      clock.advance(1);
      expect((await login(shortWindow, user.username, PASSWORD, from)).statusCode).toBe(200);
    } finally {
      await shortWindow.close();
    }
  });

  it("keeps İRIS out of the account of iris, whose failures are used up", async () => {
    const suffix = randomBytes(3).toString("hex");
    const iris = await api.signUp(`iris${suffix}`);
    for (let attempt = 0; attempt < MAX_FAILURES; attempt += 1) await fail(api, iris.username, freshAddress());
    expectProblem(await login(api, iris.username, PASSWORD, freshAddress()), 429);

    const dotted = iris.username.replace("iris", "İRIS");
    expectProblem(await login(api, dotted, PASSWORD, freshAddress()), 401);
  });

  /** Registers the burst test, the counts kept in the process or, given `shared`, in Redis. */
  const burstOfWrongGuesses = (shared: Redis | undefined) =>
    it("have no more wrong passwords checked than the limit, however many arrive", async () => {
      const hasher = new CountingHasher();
      const burst = await testApiOn("pglite", testDatabase, {
        config: { loginMaxFailures: 10, loginFailureWindowSeconds: 60 },
        redis: shared,
        hasher,
      });
      try {
        const victim = await burst.signUp("burst");
        const from = freshAddress();
        let throttled = false;
        for (let round = 0; round < 30 && !throttled; round++) {
          const statuses = await Promise.all(
            Array.from({ length: 30 }, () =>
              login(burst, victim.username, "wrong password", from).then((response) => response.statusCode),
            ),
          );
          expect(statuses.filter((status) => status !== 401 && status !== 429)).toEqual([]);
          const response = await login(burst, victim.username, PASSWORD, from);
          throttled = response.statusCode === 429 && Number(response.headers["retry-after"]) > 1;
        }
        expect(throttled).toBe(true);
        expect(hasher.wrongPasswords).toBe(10);
      } finally {
        await burst.close();
      }
    });

  describe("bursts of wrong guesses sent at once, counted in the process", () => burstOfWrongGuesses(undefined));
  describeWith(testRedis)("bursts of wrong guesses sent at once, counted in Redis", () => burstOfWrongGuesses(redis));

  describeWith(testRedis)("with REDIS_URL", () => {
    let first: TestApi;
    let second: TestApi;
    let victim: TestUser;

    beforeAll(async () => {
      const options = {
        config: { loginMaxFailures: MAX_FAILURES, loginFailureWindowSeconds: 60 },
        redis,
      };
      [first, second] = [
        await testApiOn("pglite", testDatabase, options),
        await testApiOn("pglite", testDatabase, options),
      ];
      // signUp logs in from 127.0.0.1, whose count in this Redis other test runs may have filled.
      await redis?.del("tasks:login-failures:address:127.0.0.1");
      victim = await first.signUp("redis-victim");
    });
    afterAll(async () => {
      await first?.close();
      await second?.close();
    });

    it("shares the counts between server processes", async () => {
      await fail(first, victim.username, freshAddress());
      await fail(second, victim.username, freshAddress());
      await fail(first, victim.username, freshAddress());
      expectProblem(await login(second, victim.username, PASSWORD, freshAddress()), 429);
      expectProblem(await login(first, victim.username, PASSWORD, freshAddress()), 429);
      const keys = await redis?.keys(`tasks:login-failures:*username:${victim.username.toLowerCase()}`);
      expect(keys).toHaveLength(1);
    });
  });
});

afterAll(() => {
  redis?.disconnect();
});
