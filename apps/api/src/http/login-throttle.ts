import rateLimit from "@fastify/rate-limit";
import { normalizeUsername, ServiceUnavailable } from "@tasks/domain";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Redis } from "ioredis";
import { LoginThrottled } from "./problems.ts";

export interface LoginThrottleOptions {
  readonly maxFailures: number;
  readonly windowSeconds: number;
  /** Shares the counts between server processes; without it they live in this process. */
  readonly redis?: Redis | undefined;
}

/** For a login request, whose body has been validated to carry a `username`. */
export interface LoginThrottle {
  /** Throws LoginThrottled while the username or the client address has used up its failures. */
  assertAllowed(request: FastifyRequest): Promise<void>;
  recordFailure(request: FastifyRequest): Promise<void>;
}

// Enough distinct keys that flooding with made-up usernames cannot quickly evict a real count.
const LOCAL_KEYS = 100_000;

/**
 * Failed logins, counted per username and per client address with @fastify/rate-limit's
 * stores (in this process, or in Redis). A login first peeks at both counts without
 * adding to them; only a failed login adds one to each. Once either count has reached
 * the maximum, every login for it is refused, right password or not, until its window
 * (which starts at the first failure) ends.
 */
export async function registerLoginThrottle(
  app: FastifyInstance,
  options: LoginThrottleOptions,
): Promise<LoginThrottle> {
  await app.register(rateLimit, {
    global: false,
    cache: LOCAL_KEYS,
    ...(options.redis ? { redis: options.redis, nameSpace: "tasks:login-failures:" } : {}),
  });
  const limiter = (keyGenerator: (request: FastifyRequest) => string) =>
    app.createRateLimit({ max: options.maxFailures, timeWindow: options.windowSeconds * 1000, keyGenerator });
  // Usernames compare as the domain compares them: "Alice" and "alice" share one count.
  const byUsername = limiter(
    (request) => `username:${normalizeUsername((request.body as { username: string }).username.trim())}`,
  );
  const byAddress = limiter((request) => `address:${request.ip}`);

  const counts = async (request: FastifyRequest, increment: boolean) => {
    try {
      return await Promise.all([byUsername(request, { increment }), byAddress(request, { increment })]);
    } catch (error) {
      throw new ServiceUnavailable(`login failure counts: ${(error as Error).message}`);
    }
  };

  return {
    async assertAllowed(request) {
      let retryAfterSeconds = 0;
      for (const limit of await counts(request, false))
        if (!limit.isAllowed && limit.remaining === 0)
          retryAfterSeconds = Math.max(retryAfterSeconds, limit.ttlInSeconds, 1);
      if (retryAfterSeconds > 0) throw new LoginThrottled(retryAfterSeconds);
    },
    async recordFailure(request) {
      await counts(request, true);
    },
  };
}
