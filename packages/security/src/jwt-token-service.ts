import type { Clock, IssuedToken, TokenClaims, TokenService } from "@tasks/domain";
import { createSigner, createVerifier } from "fast-jwt";
import { type TokenPayload, type TokenType, tokenPayload, verifyToken } from "./token-claims.ts";
import {
  type JwtVerifyOptions,
  jwtSignOptions,
  jwtVerifyOptions,
  type TokenSettings,
  validateTokenSettings,
} from "./token-settings.ts";

/** HMAC-signed JWTs in the format `TokenSettings` describes, timed by the domain clock. */
export class JwtTokenService implements TokenService {
  private readonly settings: TokenSettings;
  private readonly clock: Clock;
  private readonly sign: (payload: Omit<TokenPayload, "iss" | "aud">) => string;
  private readonly verifyOptions: JwtVerifyOptions;

  constructor(settings: TokenSettings, clock: Clock) {
    this.settings = validateTokenSettings(settings);
    this.clock = clock;
    this.sign = createSigner({ ...jwtSignOptions(settings), key: settings.secret });
    this.verifyOptions = jwtVerifyOptions(settings);
  }

  async issueAccessToken(claims: TokenClaims): Promise<IssuedToken> {
    return this.issue(claims, "access");
  }

  async issueRefreshToken(claims: TokenClaims): Promise<IssuedToken> {
    return this.issue(claims, "refresh");
  }

  async verifyAccessToken(token: string): Promise<TokenClaims> {
    return this.verify(token, "access");
  }

  async verifyRefreshToken(token: string): Promise<TokenClaims> {
    return this.verify(token, "refresh");
  }

  private issue(claims: TokenClaims, type: TokenType): IssuedToken {
    const payload = tokenPayload(claims, type, this.settings, this.clock.now());
    return { token: this.sign(payload), expiresAt: new Date(payload.exp * 1000) };
  }

  private verify(token: string, type: TokenType): TokenClaims {
    const now = this.clock.now();
    // fast-jwt fixes the verification time when the verifier is made, so one is made per check.
    const verifyAt = createVerifier({
      ...this.verifyOptions,
      key: this.settings.secret,
      clockTimestamp: now.getTime(),
    });
    return verifyToken(verifyAt, token, type, this.settings, now);
  }
}
