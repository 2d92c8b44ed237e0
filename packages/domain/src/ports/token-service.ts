/**
 * Issues and checks tokens. The format, keys, algorithm, issuer, audience and lifetimes
 * belong to the adapter; the domain only says what a token must carry.
 */
export interface TokenClaims {
  readonly userId: string;
  readonly sessionId: string;
  /** Unique per token (`jti`). */
  readonly tokenId: string;
  /** The user's `tokenVersion` when the token was issued. */
  readonly tokenVersion: number;
}

export interface IssuedToken {
  readonly token: string;
  readonly expiresAt: Date;
}

export interface TokenService {
  issueAccessToken(claims: TokenClaims): Promise<IssuedToken>;
  issueRefreshToken(claims: TokenClaims): Promise<IssuedToken>;
  /** Throws `InvalidToken` for anything but a valid, unexpired access token. */
  verifyAccessToken(token: string): Promise<TokenClaims>;
  /** Throws `InvalidToken` for anything but a valid, unexpired refresh token. */
  verifyRefreshToken(token: string): Promise<TokenClaims>;
}
