import { Redis } from "ioredis";
import { isCi } from "./postgres-suite.ts";

const LOCAL_REDIS_URL = "redis://127.0.0.1:6379";

/**
 * A connection to the Redis tests may use: `TEST_REDIS_URL`, else 127.0.0.1:6379. When
 * none answers, a `TEST_REDIS_URL` that is set, or `CI=true`, makes this throw (the test
 * file fails); otherwise it prints one line naming `suite` and answers `null`, and the
 * suite registers its Redis tests as skipped. The caller disconnects it.
 */
export async function connectTestRedis(suite: string): Promise<Redis | null> {
  const configured = process.env.TEST_REDIS_URL;
  const url = configured !== undefined && configured !== "" ? configured : LOCAL_REDIS_URL;
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on("error", () => {});
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch (error) {
    redis.disconnect();
    const reason = `nothing answers at ${url} (${error instanceof Error ? error.message : String(error)})`;
    if (url === configured) throw new Error(`TEST_REDIS_URL is set but ${suite} cannot use it: ${reason}`);
    if (isCi()) throw new Error(`CI=true and ${suite} needs Redis: ${reason}`);
    console.warn(`[${suite}] Redis tests skipped: ${reason}`);
    return null;
  }
}
