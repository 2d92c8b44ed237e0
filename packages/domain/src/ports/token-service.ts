/**
 * Issues and checks tokens. The format, keys, algorithm, issuer, audience and lifetimes
 * belong to the adapter; the domain only says what a token must carry and when it was
 * issued. Issuing is deterministic: the same claims issued at the same instant give the
 * same token, which is how a login answers a replayed refresh with the identical pair
 * without keeping any token.
 */
export interface TokenClaims {
  readonly userId: string;
  readonly sessionId: string;
  /** Unique per token (`jti`). */
  readonly tokenId: string;
  /** The user's `tokenVersion` when the token was issued. */
  readonly tokenVersion: number;
}

export interface IssueOptions {
  /** The token's `iat` (whole seconds). */
  readonly issuedAt: Date;
  /** The token expires at the end of its lifetime from `issuedAt`, but never after this. */
  readonly notAfter: Date;
}

export interface IssuedToken {
  readonly token: string;
  readonly expiresAt: Date;
}

export interface TokenService {
  issueAccessToken(claims: TokenClaims, options: IssueOptions): Promise<IssuedToken>;
  issueRefreshToken(claims: TokenClaims, options: IssueOptions): Promise<IssuedToken>;
  /** Throws `InvalidToken` for anything but a valid, unexpired access token. */
  verifyAccessToken(token: string): Promise<TokenClaims>;
  /** Throws `InvalidToken` for anything but a valid, unexpired refresh token. */
  verifyRefreshToken(token: string): Promise<TokenClaims>;
}
