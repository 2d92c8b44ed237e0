import { InvalidToken, type IssueOptions, type TokenClaims } from "@tasks/domain";
import type { TokenSettings } from "./token-settings.ts";

/** The `token_type` claim: a refresh token is never an access token, nor the reverse. */
export type TokenType = "access" | "refresh";

/** The payload of every token: registered claims plus simplejwt's `token_type`, `sid` and `ver`. */
export interface TokenPayload {
  /** The user's id. */
  readonly sub: string;
  /** Seconds since the epoch, like `exp`. */
  readonly iat: number;
  readonly exp: number;
  readonly jti: string;
  readonly iss: string;
  readonly aud: string;
  readonly token_type: TokenType;
  /** The session (one login, the family of its refresh tokens). */
  readonly sid: string;
  /** The user's token version when issued: bumped to revoke every token of the user. */
  readonly ver: number;
}

/**
 * What the service signs for `claims`, issued at `options.issuedAt` and valid for the
 * type's lifetime from then, but never after `options.notAfter` (whole seconds, as JWT has
 * them). `iss` and `aud` are added by the signer from `jwtSignOptions`.
 */
export function tokenPayload(
  claims: TokenClaims,
  type: TokenType,
  settings: TokenSettings,
  options: IssueOptions,
): Omit<TokenPayload, "iss" | "aud"> {
  const iat = Math.floor(options.issuedAt.getTime() / 1000);
  const ttl = type === "access" ? settings.accessTokenTtlSeconds : settings.refreshTokenTtlSeconds;
  return {
    sub: claims.userId,
    iat,
    exp: Math.min(iat + ttl, Math.floor(options.notAfter.getTime() / 1000)),
    jti: claims.tokenId,
    token_type: type,
    sid: claims.sessionId,
    ver: claims.tokenVersion,
  };
}

/**
 * The domain's claims from a payload whose signature, algorithm, `typ`, `iss`, `aud` and
 * required claims fast-jwt has already verified with `jwtVerifyOptions`: checks the rest
 * (claim types, the token type, and the times against `now` with the leeway: `exp` passed,
 * `nbf` or `iat` still ahead). Throws `InvalidToken`.
 */
export function readTokenClaims(
  payload: unknown,
  expectedType: TokenType,
  settings: TokenSettings,
  now: Date,
): TokenClaims {
  if (typeof payload !== "object" || payload === null) throw new InvalidToken("payload is not an object");
  const claims = payload as Record<string, unknown>;
  const userId = nonEmptyString(claims, "sub");
  const sessionId = nonEmptyString(claims, "sid");
  const tokenId = nonEmptyString(claims, "jti");
  const { ver, iat, exp, nbf, token_type: tokenType } = claims;
  if (typeof ver !== "number" || !Number.isSafeInteger(ver) || ver < 0)
    throw new InvalidToken("claim ver is not an integer >= 0");
  const leewayMs = settings.clockToleranceSeconds * 1000;
  const seconds = (name: string, value: unknown) => {
    if (typeof value !== "number" || !Number.isFinite(value)) throw new InvalidToken(`claim ${name} is not a number`);
    return value * 1000;
  };
  if (seconds("exp", exp) + leewayMs < now.getTime()) throw new InvalidToken(`expired (exp ${exp})`);
  if (nbf !== undefined && seconds("nbf", nbf) - leewayMs > now.getTime())
    throw new InvalidToken(`not valid yet (nbf ${nbf})`);
  if (seconds("iat", iat) - leewayMs > now.getTime()) throw new InvalidToken(`issued in the future (iat ${iat})`);
  if (tokenType !== expectedType)
    throw new InvalidToken(`wrong token type: expected ${expectedType}, got ${JSON.stringify(tokenType)}`);
  return { userId, sessionId, tokenId, tokenVersion: ver };
}

function nonEmptyString(claims: Record<string, unknown>, name: string): string {
  const value = claims[name];
  if (typeof value !== "string" || value === "") throw new InvalidToken(`claim ${name} is not a non-empty string`);
  return value;
}

/**
 * Runs a fast-jwt verifier built from `jwtVerifyOptions` and reads the claims of a token of
 * `expectedType`. fast-jwt's refusals (codes `FAST_JWT_*`) become `InvalidToken`; anything
 * else is a real failure.
 */
export function verifyToken(
  verify: (token: string) => unknown,
  token: string,
  expectedType: TokenType,
  settings: TokenSettings,
  now: Date,
): TokenClaims {
  let payload: unknown;
  try {
    payload = verify(token);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("FAST_JWT_"))
      throw new InvalidToken(`${code}: ${(error as Error).message}`);
    throw error;
  }
  return readTokenClaims(payload, expectedType, settings, now);
}
