import type { Session } from "../entities/session.ts";
import type { User } from "../entities/user.ts";
import type { Clock } from "../ports/clock.ts";
import type { IdGenerator } from "../ports/id-generator.ts";
import type { TokenService } from "../ports/token-service.ts";

export interface TokenPair {
  readonly access: string;
  readonly refresh: string;
  readonly tokenType: "Bearer";
  /** Seconds until the access token expires. */
  readonly expiresIn: number;
  /** The refresh token's `jti` and expiry: what the session must record. */
  readonly refreshTokenId: string;
  readonly refreshExpiresAt: Date;
}

/** Issues an access and a refresh token for one session of `user`. */
export async function issueTokenPair(
  deps: { tokens: TokenService; ids: IdGenerator; clock: Clock },
  user: User,
  sessionId: Session["id"],
): Promise<TokenPair> {
  const base = { userId: user.id, sessionId, tokenVersion: user.tokenVersion };
  const refreshTokenId = deps.ids.newId();
  const [access, refresh] = await Promise.all([
    deps.tokens.issueAccessToken({ ...base, tokenId: deps.ids.newId() }),
    deps.tokens.issueRefreshToken({ ...base, tokenId: refreshTokenId }),
  ]);
  return {
    access: access.token,
    refresh: refresh.token,
    tokenType: "Bearer",
    expiresIn: Math.max(0, Math.round((access.expiresAt.getTime() - deps.clock.now().getTime()) / 1000)),
    refreshTokenId,
    refreshExpiresAt: refresh.expiresAt,
  };
}
