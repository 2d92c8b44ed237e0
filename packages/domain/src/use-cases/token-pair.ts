import type { IssuedPair, Session } from "../entities/session.ts";
import type { Clock } from "../ports/clock.ts";
import type { TokenService } from "../ports/token-service.ts";

export interface TokenPair {
  readonly access: string;
  readonly refresh: string;
  readonly tokenType: "Bearer";
  /** Seconds until the access token expires. */
  readonly expiresIn: number;
}

/**
 * The access and refresh token of `pair`, of a token login of `userId` valid under
 * `tokenVersion`. Issuing is deterministic, so the same pair issued again gives the same
 * two strings.
 */
export async function issueTokenPair(
  deps: { tokens: TokenService; clock: Clock },
  login: { userId: string; sessionId: Session["id"]; tokenVersion: number; endsAt: Date },
  pair: Pick<IssuedPair, "accessTokenId" | "refreshTokenId" | "issuedAt">,
): Promise<TokenPair & { refreshExpiresAt: Date }> {
  const base = { userId: login.userId, sessionId: login.sessionId, tokenVersion: login.tokenVersion };
  const options = { issuedAt: pair.issuedAt, notAfter: login.endsAt };
  const [access, refresh] = await Promise.all([
    deps.tokens.issueAccessToken({ ...base, tokenId: pair.accessTokenId }, options),
    deps.tokens.issueRefreshToken({ ...base, tokenId: pair.refreshTokenId }, options),
  ]);
  return {
    access: access.token,
    refresh: refresh.token,
    tokenType: "Bearer",
    expiresIn: Math.max(0, Math.round((access.expiresAt.getTime() - deps.clock.now().getTime()) / 1000)),
    refreshExpiresAt: refresh.expiresAt,
  };
}
