import type { RevocationReason } from "../entities/session.ts";
import { LoginNotFound } from "../errors.ts";
import type { Clock } from "../ports/clock.ts";
import type { SecurityEvents } from "../ports/security-events.ts";
import type { SessionRepository } from "../ports/session-repository.ts";

type Deps = { sessions: SessionRepository; clock: Clock; events: SecurityEvents };

/**
 * A user ends one of their own live logins: the current one (logging out of a cookie
 * login), or another from their list. Another user's login, or an unknown or ended one,
 * is `LoginNotFound`, alike.
 */
export class EndLogin {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: { userId: string; sessionId: string; reason: Extract<RevocationReason, "logout" | "user"> }) {
    const { sessions, clock, events } = this.deps;
    const now = clock.now();
    const session = await sessions.findById(input.sessionId);
    if (session?.userId !== input.userId || !session.isLive(now)) throw new LoginNotFound();
    if (await sessions.revoke(session.id, input.reason, now))
      events.record({ event: "login_revoked", userId: session.userId, sessionId: session.id, by: input.reason });
  }
}
