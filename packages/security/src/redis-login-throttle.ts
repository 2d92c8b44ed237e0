import { type LoginAttempt, type LoginThrottle, LoginThrottled, ServiceUnavailable } from "@tasks/domain";
import type { Redis } from "ioredis";
import type { LoginThrottleSettings } from "./memory-login-throttle.ts";

const KEY_PREFIX = "tasks:login-failures:";

/**
 * One script, so Redis runs it as one step for every server process at once: refuses
 * (answering the milliseconds to wait) when any key has used its failures, otherwise
 * counts one attempt against each key, starting a key's window at its first attempt.
 */
const RESERVE = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local wait = 0
for _, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') >= limit then
    local ttl = redis.call('PTTL', key)
    if ttl < 0 then
      ttl = window
      redis.call('PEXPIRE', key, window)
    end
    if ttl > wait then wait = ttl end
  end
end
if wait > 0 then return wait end
for _, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, window) end
end
return 0
`;

const GIVE_BACK = `
for _, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') > 0 then redis.call('DECR', key) end
end
return 0
`;

/** Failed-login counts in Redis, shared by every server process that uses the same Redis. */
export class RedisLoginThrottle implements LoginThrottle {
  private readonly redis: Redis;
  private readonly settings: LoginThrottleSettings;

  constructor(redis: Redis, settings: LoginThrottleSettings) {
    this.redis = redis;
    this.settings = settings;
  }

  async reserve(keys: readonly string[]): Promise<LoginAttempt> {
    const redisKeys = keys.map((key) => KEY_PREFIX + key);
    const waitMs = Number(
      await this.run(RESERVE, redisKeys, [this.settings.maxFailures, this.settings.windowSeconds * 1000]),
    );
    if (waitMs > 0) throw new LoginThrottled(Math.max(1, Math.ceil(waitMs / 1000)));
    let givenBack = false;
    return {
      giveBack: async () => {
        if (givenBack) return;
        givenBack = true;
        await this.run(GIVE_BACK, redisKeys, []);
      },
    };
  }

  private async run(script: string, keys: readonly string[], args: readonly number[]): Promise<unknown> {
    try {
      return await this.redis.eval(script, keys.length, ...keys, ...args);
    } catch (error) {
      throw new ServiceUnavailable(`login failure counts: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
