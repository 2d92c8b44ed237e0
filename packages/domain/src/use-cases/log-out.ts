import type { Clock } from "../ports/clock.ts";
import type { SecurityEvents } from "../ports/security-events.ts";
import type { SessionRepository } from "../ports/session-repository.ts";
import type { TokenService } from "../ports/token-service.ts";

type Deps = { sessions: SessionRepository; tokens: TokenService; clock: Clock; events: SecurityEvents };

/** Ends the token login a refresh token belongs to: its refresh and access tokens stop working at once. */
export class LogOut {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: { refresh: string }): Promise<void> {
    const { sessions, tokens, clock, events } = this.deps;
    const claims = await tokens.verifyRefreshToken(input.refresh);
    const session = await sessions.findById(claims.sessionId);
    if (session?.userId !== claims.userId) return;
    if (await sessions.revoke(session.id, "logout", clock.now()))
      events.record({ event: "login_revoked", userId: session.userId, sessionId: session.id, by: "logout" });
  }
}
