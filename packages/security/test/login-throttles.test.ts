import { randomUUID } from "node:crypto";
import { type LoginThrottle, LoginThrottled } from "@tasks/domain";
import { connectTestRedis, describeWith } from "@tasks/testing";
import type { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { type LoginThrottleSettings, MemoryLoginThrottle } from "../src/memory-login-throttle.ts";
import { RedisLoginThrottle } from "../src/redis-login-throttle.ts";
import { FixedClock } from "./fixed-clock.ts";

const SETTINGS: LoginThrottleSettings = { maxFailures: 3, windowSeconds: 60 };
const testRedis = await connectTestRedis();
/** Undefined only when Redis is missing, and then the suites that use it are skipped. */
const redis = testRedis.available ? testRedis.redis : undefined;
const connections: Redis[] = [];

afterAll(() => {
  for (const connection of [redis, ...connections]) connection?.disconnect();
});

interface Store {
  /** Registers the store's suite; Redis's is registered as skipped when there is no Redis. */
  readonly describe: (name: string, body: () => void) => void;
  /** Several throttles sharing the same counts, as the server processes of one deployment do. */
  make(settings: LoginThrottleSettings, processes: number): LoginThrottle[];
}

const stores: Record<string, Store> = {
  "in the process": {
    describe,
    make: (settings) => [new MemoryLoginThrottle(settings, new FixedClock(new Date()))],
  },
  "in Redis": {
    describe: describeWith(testRedis),
    make: (settings, processes) =>
      Array.from({ length: processes }, () => {
        const connection = (redis as Redis).duplicate();
        connections.push(connection);
        return new RedisLoginThrottle(connection, settings);
      }),
  },
};

/** A key no other test uses. */
const aKey = () => `username:test-${randomUUID()}`;

async function refusal(throttle: LoginThrottle, keys: readonly string[]): Promise<LoginThrottled> {
  const error = await throttle.reserve(keys).catch((caught: unknown) => caught);
  if (!(error instanceof LoginThrottled)) throw new Error(`expected LoginThrottled, got ${String(error)}`);
  return error;
}

for (const [where, store] of Object.entries(stores))
  store.describe(`failed-login counts ${where}`, () => {
    const make = (settings = SETTINGS, processes = 1) => store.make(settings, processes);
    const one = () => make()[0] as LoginThrottle;

    it("refuses a key once its failures are used up, saying how long to wait", async () => {
      const throttle = one();
      const key = aKey();
      for (let attempt = 0; attempt < SETTINGS.maxFailures; attempt++) await throttle.reserve([key]);

      const error = await refusal(throttle, [key]);
      expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(error.retryAfterSeconds).toBeLessThanOrEqual(SETTINGS.windowSeconds);
    });

    it("refuses when any one of the keys is used up, and then counts none of them", async () => {
      const throttle = one();
      const [spent, fresh] = [aKey(), aKey()];
      for (let attempt = 0; attempt < SETTINGS.maxFailures; attempt++) await throttle.reserve([spent]);

      await refusal(throttle, [fresh, spent]);
      for (let attempt = 0; attempt < SETTINGS.maxFailures; attempt++) await throttle.reserve([fresh]);
      await refusal(throttle, [fresh]);
    });

    it("does not count an attempt that is given back, even when given back twice", async () => {
      const throttle = one();
      const key = aKey();
      const first = await throttle.reserve([key]);
      await first.giveBack();
      await first.giveBack();
      for (let attempt = 0; attempt < SETTINGS.maxFailures; attempt++) await throttle.reserve([key]);
      await refusal(throttle, [key]);
    });

    it("lets no more than the limit through however many attempts arrive at once, from several processes", async () => {
      const throttles = make({ maxFailures: 10, windowSeconds: 60 }, 4);
      const key = aKey();
      const outcomes = await Promise.all(
        Array.from({ length: 300 }, (_, index) =>
          (throttles[index % throttles.length] as LoginThrottle).reserve([key]).then(
            () => "reserved",
            (error: unknown) => (error instanceof LoginThrottled ? "refused" : error),
          ),
        ),
      );
      expect(outcomes.filter((outcome) => outcome === "reserved")).toHaveLength(10);
      expect(outcomes.filter((outcome) => outcome === "refused")).toHaveLength(290);
    });
  });

describe("failed-login counts in the process, over time", () => {
  it("lets a key in again once the window that began with its first failure has passed", async () => {
    const clock = new FixedClock(new Date("2026-01-01T00:00:00.000Z"));
    const throttle = new MemoryLoginThrottle(SETTINGS, clock);
    await throttle.reserve(["k"]);
    clock.advanceSeconds(30);
    await throttle.reserve(["k"]);
    await throttle.reserve(["k"]);

    expect((await refusal(throttle, ["k"])).retryAfterSeconds).toBe(30);
    clock.advanceSeconds(30);
    await expect(throttle.reserve(["k"])).resolves.toBeDefined();
  });

  it("starts a new window with the first failure after every failure was given back", async () => {
    const clock = new FixedClock(new Date("2026-01-01T00:00:00.000Z"));
    const throttle = new MemoryLoginThrottle(SETTINGS, clock);
    await (await throttle.reserve(["k"])).giveBack();
    clock.advanceSeconds(50);
    for (let attempt = 0; attempt < SETTINGS.maxFailures; attempt++) await throttle.reserve(["k"]);

    expect((await refusal(throttle, ["k"])).retryAfterSeconds).toBe(60);
  });
});

describeWith(testRedis)("failed-login counts in Redis, over time", () => {
  it("sets the window on a key's first failure and keeps it on later ones", async () => {
    const throttle = new RedisLoginThrottle(redis as Redis, SETTINGS);
    const key = aKey();
    await throttle.reserve([key]);
    const first = await redis?.pttl(`tasks:login-failures:${key}`);
    await throttle.reserve([key]);
    const second = await redis?.pttl(`tasks:login-failures:${key}`);

    expect(first).toBeGreaterThan(55_000);
    expect(first).toBeLessThanOrEqual(60_000);
    expect(second).toBeLessThanOrEqual(first as number);
  });

  it("answers ServiceUnavailable when Redis cannot be reached", async () => {
    const gone = (redis as Redis).duplicate({ lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    gone.on("error", () => {});
    gone.disconnect();
    const throttle = new RedisLoginThrottle(gone, SETTINGS);
    await expect(throttle.reserve([aKey()])).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
  });
});
