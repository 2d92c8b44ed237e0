import type { Clock, IssuedToken, IssueOptions, TokenClaims, TokenService } from "@tasks/domain";
import { createSigner, createVerifier } from "fast-jwt";
import { type TokenPayload, type TokenType, tokenPayload, verifyToken } from "./token-claims.ts";
import { jwtSignOptions, jwtVerifyOptions, type TokenSettings, validateTokenSettings } from "./token-settings.ts";

/** How many verified tokens each service keeps; the oldest goes first. */
const VERIFIED_TOKENS_KEPT = 1_000;

/**
 * HMAC-signed JWTs in the format `TokenSettings` describes, checked against the domain clock. The
 * one place that signs and verifies tokens: the API's guard goes through it too (through
 * the `AuthorizeAccessToken` use case), so a token one side issues is exactly one the
 * other accepts. Signer and verifier are built once; the verifier checks the signature,
 * the pinned algorithm, `typ`, `iss`, `aud` and that every claim is there, and
 * `readTokenClaims` checks the times against this service's clock. Signing is
 * deterministic (HMAC over the same header and payload): the same claims issued at the
 * same second give the same token.
 */
export class JwtTokenService implements TokenService {
  private readonly settings: TokenSettings;
  private readonly clock: Clock;
  private readonly sign: (payload: Omit<TokenPayload, "iss" | "aud">) => string;
  private readonly verifyWithFastJwt: (token: string) => unknown;
  /** Payloads of tokens this service verified, by the whole token, oldest first. */
  private readonly verified = new Map<string, unknown>();

  constructor(settings: TokenSettings, clock: Clock) {
    this.settings = validateTokenSettings(settings);
    this.clock = clock;
    this.sign = createSigner({ ...jwtSignOptions(settings), key: settings.secret });
    this.verifyWithFastJwt = createVerifier({ ...jwtVerifyOptions(settings), key: settings.secret });
  }

  async issueAccessToken(claims: TokenClaims, options: IssueOptions): Promise<IssuedToken> {
    return this.issue(claims, "access", options);
  }

  async issueRefreshToken(claims: TokenClaims, options: IssueOptions): Promise<IssuedToken> {
    return this.issue(claims, "refresh", options);
  }

  async verifyAccessToken(token: string): Promise<TokenClaims> {
    return verifyToken(this.verifySignature, token, "access", this.settings, this.clock.now());
  }

  async verifyRefreshToken(token: string): Promise<TokenClaims> {
    return verifyToken(this.verifySignature, token, "refresh", this.settings, this.clock.now());
  }

  /**
   * A client sends one token many times, and checking its signature and decoding it again
   * was about a tenth of the server's CPU for a GET of one task under load. So the payload
   * of a token that passed is kept, under the whole token: only the very same string finds
   * it, and what a token cannot say for good is checked on every call all the same (the
   * times, against the domain clock, in `verifyToken`; the login, by the caller). A refused
   * token is never kept. fast-jwt's own cache hashes the token on every call (about 4% of
   * that CPU), and warns of a security risk at every start when given a key of our own.
   */
  private readonly verifySignature = (token: string): unknown => {
    const kept = this.verified.get(token);
    if (kept !== undefined) return kept;
    const payload = this.verifyWithFastJwt(token);
    if (this.verified.size >= VERIFIED_TOKENS_KEPT) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, payload);
    return payload;
  };

  private issue(claims: TokenClaims, type: TokenType, options: IssueOptions): IssuedToken {
    const payload = tokenPayload(claims, type, this.settings, options);
    return { token: this.sign(payload), expiresAt: new Date(payload.exp * 1000) };
  }
}
