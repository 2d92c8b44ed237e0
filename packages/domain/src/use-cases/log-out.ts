import type { Clock } from "../ports/clock.ts";
import type { SessionRepository } from "../ports/session-repository.ts";
import type { TokenService } from "../ports/token-service.ts";

type Deps = { sessions: SessionRepository; tokens: TokenService; clock: Clock };

/** Revokes the session (the whole token family) that a refresh token belongs to. */
export class LogOut {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: { refresh: string }): Promise<void> {
    const claims = await this.deps.tokens.verifyRefreshToken(input.refresh);
    const session = await this.deps.sessions.findById(claims.sessionId);
    if (session && session.userId === claims.userId)
      await this.deps.sessions.update(session.revoke(this.deps.clock.now()));
  }
}
