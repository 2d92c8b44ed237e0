import { type Clock, type LoginAttempt, type LoginThrottle, LoginThrottled } from "@tasks/domain";

export interface LoginThrottleSettings {
  /** Failed logins a key may have in its window. */
  readonly maxFailures: number;
  readonly windowSeconds: number;
}

interface Count {
  failures: number;
  /** When the window ends, in milliseconds since the epoch. */
  endsAt: number;
}

// Enough distinct keys that flooding with made-up usernames cannot quickly evict a real count.
const MAX_KEYS = 100_000;

/**
 * The failed-login counts of one server process, for a server that runs alone
 * (WEB_CONCURRENCY=1 without REDIS_URL). Reserving checks and counts every key in one
 * synchronous step, so concurrent logins cannot both take the last attempt of a key.
 */
export class MemoryLoginThrottle implements LoginThrottle {
  private readonly counts = new Map<string, Count>();
  private readonly settings: LoginThrottleSettings;
  private readonly clock: Clock;

  constructor(settings: LoginThrottleSettings, clock: Clock) {
    this.settings = settings;
    this.clock = clock;
  }

  async reserve(keys: readonly string[]): Promise<LoginAttempt> {
    const now = this.clock.now().getTime();
    let waitMs = 0;
    for (const key of keys) {
      const count = this.live(key, now);
      if (count !== undefined && count.failures >= this.settings.maxFailures)
        waitMs = Math.max(waitMs, count.endsAt - now);
    }
    if (waitMs > 0) throw new LoginThrottled(Math.max(1, Math.ceil(waitMs / 1000)));
    const reserved = keys.map((key) => this.countFor(key, now));
    for (const count of reserved) count.failures += 1;
    let givenBack = false;
    return {
      giveBack: async () => {
        if (givenBack) return;
        givenBack = true;
        for (const count of reserved) count.failures = Math.max(0, count.failures - 1);
      },
    };
  }

  private live(key: string, now: number): Count | undefined {
    const count = this.counts.get(key);
    if (count === undefined || count.endsAt > now) return count;
    this.counts.delete(key);
    return undefined;
  }

  /** The key's count, a new window starting now when it has none or has no failure left in it. */
  private countFor(key: string, now: number): Count {
    const existing = this.live(key, now);
    if (existing !== undefined && existing.failures > 0) return existing;
    const fresh: Count = { failures: 0, endsAt: now + this.settings.windowSeconds * 1000 };
    this.counts.delete(key);
    if (this.counts.size >= MAX_KEYS) this.evictOldest();
    this.counts.set(key, fresh);
    return fresh;
  }

  /** Map keeps insertion order: the first key is the one whose window started longest ago. */
  private evictOldest(): void {
    const oldest = this.counts.keys().next();
    if (oldest.done !== true) this.counts.delete(oldest.value);
  }
}
