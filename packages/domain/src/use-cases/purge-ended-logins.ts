import type { Clock } from "../ports/clock.ts";
import type { SessionRepository } from "../ports/session-repository.ts";

/** How long an ended login is kept before it is deleted. */
export const ENDED_LOGIN_GRACE_MS = 7 * 24 * 3_600_000;

type Deps = { sessions: SessionRepository; clock: Clock };

/** Deletes the logins that ended more than a grace period ago, so that the table does not grow for ever. */
export class PurgeEndedLogins {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  execute(): Promise<number> {
    return this.deps.sessions.deleteEnded(new Date(this.deps.clock.now().getTime() - ENDED_LOGIN_GRACE_MS));
  }
}
