import { type LoginAttempt, type LoginThrottle, ServiceUnavailable } from "@tasks/domain";

/** Told when the shared counts become unreachable (once per outage) and when they answer again. */
export interface ThrottleOutageListener {
  unavailable(reason: string): void;
  recovered(): void;
}

/**
 * The shared counts (Redis) while they answer, this process's own while they do not: an
 * outage of the shared store must not stop logins, and counting per process still limits
 * guesses (by as many times as there are processes, for as long as the outage lasts).
 * Every attempt asks the shared store first, so counting is shared again as soon as it
 * answers; it fails at once while disconnected.
 */
export class FallbackLoginThrottle implements LoginThrottle {
  private readonly shared: LoginThrottle;
  private readonly local: LoginThrottle;
  private readonly listener: ThrottleOutageListener;
  private down = false;

  constructor(shared: LoginThrottle, local: LoginThrottle, listener: ThrottleOutageListener) {
    this.shared = shared;
    this.local = local;
    this.listener = listener;
  }

  async reserve(keys: readonly string[]): Promise<LoginAttempt> {
    let attempt: LoginAttempt;
    try {
      attempt = await this.shared.reserve(keys);
    } catch (error) {
      if (!(error instanceof ServiceUnavailable)) throw error;
      if (!this.down) {
        this.down = true;
        this.listener.unavailable(error.reason);
      }
      return this.local.reserve(keys);
    }
    if (this.down) {
      this.down = false;
      this.listener.recovered();
    }
    return {
      // A count that cannot be given back now expires with its window: the login goes on.
      giveBack: () =>
        attempt.giveBack().catch((error: unknown) => {
          if (!(error instanceof ServiceUnavailable)) throw error;
        }),
    };
  }
}
