import {
  type Clock,
  InvalidToken,
  type IssuedToken,
  type IssueOptions,
  type TokenClaims,
  type TokenService,
} from "../index.ts";

export const ACCESS_TOKEN_TTL_MS = 15 * 60 * 1000;
export const REFRESH_TOKEN_TTL_MS = 7 * 24 * 60 * 60 * 1000;

type TokenType = "access" | "refresh";

/**
 * Opaque tokens remembered in a Map instead of signed: what matters to the use cases is
 * which claims a token carries, its type and its expiry, all of which this checks. Like
 * the real one it is deterministic: the same claims issued at the same second give the
 * same token.
 */
export class FakeTokenService implements TokenService {
  readonly issued: Array<{ type: TokenType; token: string; claims: TokenClaims; expiresAt: Date }> = [];
  private readonly clock: Clock;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  issueAccessToken(claims: TokenClaims, options: IssueOptions): Promise<IssuedToken> {
    return this.issue("access", claims, options, ACCESS_TOKEN_TTL_MS);
  }

  issueRefreshToken(claims: TokenClaims, options: IssueOptions): Promise<IssuedToken> {
    return this.issue("refresh", claims, options, REFRESH_TOKEN_TTL_MS);
  }

  verifyAccessToken(token: string): Promise<TokenClaims> {
    return this.verify("access", token);
  }

  verifyRefreshToken(token: string): Promise<TokenClaims> {
    return this.verify("refresh", token);
  }

  private async issue(type: TokenType, claims: TokenClaims, options: IssueOptions, ttl: number): Promise<IssuedToken> {
    const issuedAt = Math.floor(options.issuedAt.getTime() / 1000) * 1000;
    const expiresAt = new Date(Math.min(issuedAt + ttl, options.notAfter.getTime()));
    const token = `${type}.${claims.tokenId}.${claims.sessionId}.${claims.tokenVersion}.${issuedAt}.${expiresAt.getTime()}`;
    this.issued.push({ type, token, claims, expiresAt });
    return { token, expiresAt };
  }

  private async verify(type: TokenType, token: string): Promise<TokenClaims> {
    const found = this.issued.find((issued) => issued.token === token);
    if (!found) throw new InvalidToken("malformed or forged");
    if (found.type !== type) throw new InvalidToken(`not a token of type ${type}`);
    if (this.clock.now().getTime() >= found.expiresAt.getTime()) throw new InvalidToken("expired");
    return found.claims;
  }
}
