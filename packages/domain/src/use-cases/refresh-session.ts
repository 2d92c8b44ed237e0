import type { Session } from "../entities/session.ts";
import { InvalidToken } from "../errors.ts";
import type { Clock } from "../ports/clock.ts";
import type { IdGenerator } from "../ports/id-generator.ts";
import type { SecurityEvents } from "../ports/security-events.ts";
import type { SessionRepository } from "../ports/session-repository.ts";
import type { TokenClaims, TokenService } from "../ports/token-service.ts";
import type { LoginSettings } from "./login-settings.ts";
import { issueTokenPair, type TokenPair } from "./token-pair.ts";

type Deps = {
  sessions: SessionRepository;
  tokens: TokenService;
  clock: Clock;
  ids: IdGenerator;
  events: SecurityEvents;
  settings: Pick<LoginSettings, "reuseWindowMs">;
};

/**
 * Spends a refresh token for a new pair (rotation). The refresh token that the current
 * one replaced, presented again within the reuse window (a retry, a second tab), gets the
 * very pair its first use got: issued again from the ids and instant the login recorded,
 * the same two strings, and the login stays alive. Any other spent token presented again
 * is taken as stolen: the whole login is revoked, its access tokens included.
 */
export class RefreshSession {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: { refresh: string }): Promise<TokenPair> {
    const { sessions, tokens, clock, ids, settings } = this.deps;
    const claims = await tokens.verifyRefreshToken(input.refresh);
    const found = await sessions.findWithUser({ id: claims.sessionId });
    const now = clock.now();
    if (!found || found.session.userId !== claims.userId || found.session.kind !== "token")
      throw new InvalidToken("unknown login");
    const { session, user } = found;
    if (!session.isLive(now)) throw new InvalidToken("login revoked, expired or ended");
    if (!user.isActive || !session.isCurrentFor(user.tokenVersion, claims.tokenVersion))
      throw new InvalidToken("user inactive, or credentials changed since the login");

    const judgement = session.judgeRefresh(claims.tokenId, now, settings.reuseWindowMs);
    if (judgement === "replayed") return this.issue(session, claims);
    if (judgement === "reused") return this.revokeForReuse(session, now);

    const pair = { accessTokenId: ids.newId(), refreshTokenId: ids.newId() };
    const issued = await issueTokenPair(
      this.deps,
      { userId: user.id, sessionId: session.id, tokenVersion: user.tokenVersion, endsAt: session.endsAt },
      { ...pair, issuedAt: now },
    );
    const rotated = session.rotate({
      pair: { ...pair, expiresAt: issued.refreshExpiresAt },
      now,
      tokenVersion: user.tokenVersion,
    });
    if (await sessions.replaceIfCurrent(rotated, claims.tokenId)) return withoutExpiry(issued);
    // Another request spent the same token first: this one is its replay, or a reuse.
    const current = await sessions.findById(session.id);
    // Or the login went meanwhile, with its user: there is nothing left to refresh or revoke.
    if (current === null) throw new InvalidToken("unknown login");
    // Or it was revoked meanwhile (a logout, a password change): the token is still its
    // current one, spent by nobody, so this is no theft to report.
    if (current.refreshTokenId === claims.tokenId) throw new InvalidToken("login revoked, expired or ended");
    if (current.isLive(now) && current.judgeRefresh(claims.tokenId, now, settings.reuseWindowMs) === "replayed")
      return this.issue(current, claims);
    return this.revokeForReuse(current, now);
  }

  /** The login's current pair, issued again exactly as it was. */
  private async issue(session: Session, claims: TokenClaims): Promise<TokenPair> {
    const pair = session.currentPair();
    if (pair === null) throw new InvalidToken("not a token login");
    const login = {
      userId: session.userId,
      sessionId: session.id,
      tokenVersion: session.tokenVersion ?? claims.tokenVersion,
      endsAt: session.endsAt,
    };
    return withoutExpiry(await issueTokenPair(this.deps, login, pair));
  }

  private async revokeForReuse(session: Session, now: Date): Promise<never> {
    await this.deps.sessions.revoke(session.id, "refresh_reuse", now);
    this.deps.events.record({ event: "refresh_reuse_detected", userId: session.userId, sessionId: session.id });
    this.deps.events.record({
      event: "login_revoked",
      userId: session.userId,
      sessionId: session.id,
      by: "refresh_reuse",
    });
    throw new InvalidToken("refresh token reused: login revoked");
  }
}

function withoutExpiry({ refreshExpiresAt: _, ...pair }: TokenPair & { refreshExpiresAt: Date }): TokenPair {
  return pair;
}
