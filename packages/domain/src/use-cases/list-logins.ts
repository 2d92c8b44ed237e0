import type { Session } from "../entities/session.ts";
import type { Clock } from "../ports/clock.ts";
import type { SessionRepository } from "../ports/session-repository.ts";

type Deps = { sessions: SessionRepository; clock: Clock };

/** A user's live logins, newest first. */
export class ListLogins {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  execute(input: { userId: string }): Promise<Session[]> {
    return this.deps.sessions.listLive(input.userId, this.deps.clock.now());
  }
}
