import type { Clock } from "../ports/clock.ts";
import type { SecurityEvents } from "../ports/security-events.ts";
import type { SessionRepository } from "../ports/session-repository.ts";

type Deps = { sessions: SessionRepository; clock: Clock; events: SecurityEvents };

/**
 * Revokes every live login of a user: all of them when an operator asks (`admin`), or all
 * but the caller's own when the user logs out everywhere else (`user`). Answers how many.
 */
export class RevokeLogins {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(
    input:
      | { readonly userId: string; readonly reason: "admin" }
      | { readonly userId: string; readonly reason: "user"; readonly exceptSessionId: string },
  ): Promise<number> {
    const { sessions, clock, events } = this.deps;
    const except = input.reason === "user" ? input.exceptSessionId : undefined;
    const revoked = await sessions.revokeAllOf(input.userId, input.reason, clock.now(), except);
    if (revoked > 0) events.record({ event: "login_revoked", userId: input.userId, sessionId: null, by: input.reason });
    return revoked;
  }
}
