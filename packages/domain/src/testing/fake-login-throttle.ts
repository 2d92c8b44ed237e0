import { type LoginAttempt, type LoginThrottle, LoginThrottled } from "../index.ts";

/** The failed-login throttle with counts that never expire: what a test reserves and gives back is what it sees. */
export class FakeLoginThrottle implements LoginThrottle {
  /** How many attempts each key holds now. */
  readonly counts = new Map<string, number>();
  readonly limit: number;
  /** What `LoginThrottled` says to wait when a key is over its limit. */
  readonly retryAfterSeconds: number;

  constructor(limit = 10, retryAfterSeconds = 900) {
    this.limit = limit;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  async reserve(keys: readonly string[]): Promise<LoginAttempt> {
    if (keys.some((key) => (this.counts.get(key) ?? 0) >= this.limit)) throw new LoginThrottled(this.retryAfterSeconds);
    for (const key of keys) this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    let given = false;
    return {
      giveBack: async () => {
        if (given) return;
        given = true;
        for (const key of keys) this.counts.set(key, (this.counts.get(key) ?? 1) - 1);
      },
    };
  }
}
