import type { SignerOptions, VerifierOptions } from "fast-jwt";

export const TOKEN_ALGORITHMS = ["HS256", "HS384", "HS512"] as const;
export type TokenAlgorithm = (typeof TOKEN_ALGORITHMS)[number];

/** HMAC keys shorter than this are refused (RFC 7518 section 3.2 asks for at least the hash size). */
export const TOKEN_SECRET_MIN_BYTES = 32;

/** The single source of truth for the token format, key and lifetimes, on both sides. */
export interface TokenSettings {
  /** HMAC key, at least 32 bytes of UTF-8. */
  readonly secret: string;
  /** Pinned on sign and on verify: no other algorithm is ever accepted. */
  readonly algorithm: TokenAlgorithm;
  readonly issuer: string;
  readonly audience: string;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
  /** Leeway for clocks that disagree, applied to `exp` and `iat` only. */
  readonly clockToleranceSeconds: number;
}

/** Every claim a token must carry; the names follow Django simplejwt where it has one. */
export const REQUIRED_CLAIMS = ["sub", "iat", "exp", "jti", "iss", "aud", "token_type", "sid", "ver"] as const;

export function defaultTokenSettings(secret: string, overrides: Partial<TokenSettings> = {}): TokenSettings {
  return validateTokenSettings({
    algorithm: "HS256",
    issuer: "tasks-api",
    audience: "tasks-api",
    accessTokenTtlSeconds: 15 * 60,
    refreshTokenTtlSeconds: 7 * 86_400,
    clockToleranceSeconds: 5,
    ...overrides,
    secret,
  });
}

/** Returns `settings` unchanged, or throws an error naming the first setting that is unusable. */
export function validateTokenSettings(settings: TokenSettings): TokenSettings {
  const bytes = Buffer.byteLength(settings.secret ?? "", "utf8");
  if (bytes < TOKEN_SECRET_MIN_BYTES)
    throw new Error(`Token secret must be at least ${TOKEN_SECRET_MIN_BYTES} bytes long, got ${bytes}.`);
  if (!TOKEN_ALGORITHMS.includes(settings.algorithm))
    throw new Error(`Token algorithm must be one of ${TOKEN_ALGORITHMS.join(", ")}, got "${settings.algorithm}".`);
  for (const name of ["issuer", "audience"] as const) {
    if (typeof settings[name] !== "string" || settings[name] === "")
      throw new Error(`Token ${name} must be a non-empty string.`);
  }
  for (const name of ["accessTokenTtlSeconds", "refreshTokenTtlSeconds"] as const) {
    if (!Number.isSafeInteger(settings[name]) || settings[name] <= 0)
      throw new Error(`Token setting ${name} must be a whole number of seconds greater than 0, got ${settings[name]}.`);
  }
  if (!Number.isSafeInteger(settings.clockToleranceSeconds) || settings.clockToleranceSeconds < 0)
    throw new Error(
      `Token setting clockToleranceSeconds must be a whole number of seconds >= 0, got ${settings.clockToleranceSeconds}.`,
    );
  return settings;
}

export type JwtSignOptions = Required<Pick<SignerOptions, "algorithm" | "iss" | "aud">>;

/**
 * fast-jwt `createSigner` options, without the key. `iat` and `exp` are set in the payload
 * from the domain clock, so no time option lives here.
 */
export function jwtSignOptions(settings: TokenSettings): JwtSignOptions {
  validateTokenSettings(settings);
  return { algorithm: settings.algorithm, iss: settings.issuer, aud: settings.audience };
}

export type JwtVerifyOptions = Required<
  Pick<
    VerifierOptions,
    "algorithms" | "allowedIss" | "allowedAud" | "requiredClaims" | "checkTyp" | "ignoreExpiration" | "ignoreNotBefore"
  >
>;

/**
 * fast-jwt `createVerifier` options, without the key. No time is checked here: fast-jwt
 * would compare with the wall clock (or with one instant fixed when the verifier is made),
 * so `readTokenClaims` checks `exp`, `nbf` and `iat` against the domain clock instead.
 */
export function jwtVerifyOptions(settings: TokenSettings): JwtVerifyOptions {
  validateTokenSettings(settings);
  return {
    algorithms: [settings.algorithm],
    allowedIss: settings.issuer,
    allowedAud: settings.audience,
    requiredClaims: [...REQUIRED_CLAIMS],
    checkTyp: "JWT",
    ignoreExpiration: true,
    ignoreNotBefore: true,
  };
}
