import { Redis } from "ioredis";
import { type Unavailable, unavailable } from "./services.ts";

const LOCAL_REDIS_URL = "redis://127.0.0.1:6379";

/** A connection to the Redis that tests use, or why there is none. */
export type TestRedis = { readonly available: true; readonly redis: Redis } | Unavailable;

/**
 * Connects to the Redis that tests may use: `TEST_REDIS_URL`, else 127.0.0.1:6379. When
 * none answers, a `TEST_REDIS_URL` that is set, or `CI=true`, makes this throw (the test
 * file fails); otherwise it answers why, and `describeWith` registers the suites that
 * need Redis as skipped. The caller disconnects the connection.
 */
export async function connectTestRedis(): Promise<TestRedis> {
  const configured = process.env.TEST_REDIS_URL;
  const url = configured !== undefined && configured !== "" ? configured : LOCAL_REDIS_URL;
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on("error", () => {});
  try {
    await redis.connect();
    await redis.ping();
    return { available: true, redis };
  } catch (error) {
    redis.disconnect();
    const reason = `nothing answers at ${url} (${error instanceof Error ? error.message : String(error)})`;
    if (url === configured) throw new Error(`TEST_REDIS_URL is set but its server does not answer: ${reason}`);
    return unavailable("Redis", reason);
  }
}
