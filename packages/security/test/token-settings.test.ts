import { createSigner, createVerifier } from "fast-jwt";
import { describe, expect, it } from "vitest";
import {
  defaultTokenSettings,
  JwtTokenService,
  jwtSignOptions,
  jwtVerifyOptions,
  readTokenClaims,
  type TokenSettings,
} from "../src/index.ts";
import { FixedClock } from "./fixed-clock.ts";

const SECRET = "a-test-secret-that-is-32-bytes-!";
const CLAIMS = { userId: "user-1", sessionId: "session-1", tokenId: "token-1", tokenVersion: 0 };

describe("defaultTokenSettings", () => {
  it("defaults to HS256, the contract's lifetimes and a 5 second leeway", () => {
    expect(defaultTokenSettings(SECRET)).toEqual({
      secret: SECRET,
      algorithm: "HS256",
      issuer: "tasks-api",
      audience: "tasks-api",
      accessTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 604_800,
      clockToleranceSeconds: 5,
    });
  });

  it("takes overrides", () => {
    const settings = defaultTokenSettings(SECRET, { algorithm: "HS384", issuer: "i", accessTokenTtlSeconds: 60 });
    expect(settings).toMatchObject({
      algorithm: "HS384",
      issuer: "i",
      accessTokenTtlSeconds: 60,
      audience: "tasks-api",
    });
  });

  it("counts the secret's length in UTF-8 bytes", () => {
    expect(defaultTokenSettings("é".repeat(16)).secret).toBe("é".repeat(16));
    expect(() => defaultTokenSettings("é".repeat(15))).toThrow("Token secret must be at least 32 bytes long, got 30.");
  });

  it.each([
    [{ issuer: "" }, "Token issuer must be a non-empty string."],
    [{ audience: "" }, "Token audience must be a non-empty string."],
    [{ accessTokenTtlSeconds: 0 }, "accessTokenTtlSeconds must be a whole number of seconds greater than 0, got 0."],
    [{ refreshTokenTtlSeconds: 1.5 }, "refreshTokenTtlSeconds must be a whole number of seconds greater than 0"],
    [{ clockToleranceSeconds: -1 }, "clockToleranceSeconds must be a whole number of seconds >= 0, got -1."],
  ])("refuses %j with an error naming the setting", (overrides, message) => {
    expect(() => defaultTokenSettings(SECRET, overrides as Partial<TokenSettings>)).toThrow(message);
  });
});

describe("fast-jwt options", () => {
  const settings = defaultTokenSettings(SECRET, { algorithm: "HS512", issuer: "iss", audience: "aud" });

  it("pins the algorithm, issuer and audience for signing", () => {
    expect(jwtSignOptions(settings)).toEqual({ algorithm: "HS512", iss: "iss", aud: "aud" });
  });

  it("pins one algorithm, typ, issuer, audience and every claim for verifying, and leaves time to the domain clock", () => {
    expect(jwtVerifyOptions(settings)).toEqual({
      algorithms: ["HS512"],
      allowedIss: "iss",
      allowedAud: "aud",
      requiredClaims: ["sub", "iat", "exp", "jti", "iss", "aud", "token_type", "sid", "ver"],
      checkTyp: "JWT",
      ignoreExpiration: true,
      ignoreNotBefore: true,
    });
  });

  it("refuses to derive options from settings with a short secret", () => {
    expect(() => jwtVerifyOptions({ ...settings, secret: "x" })).toThrow("at least 32 bytes");
  });

  it("lets a plain fast-jwt verifier built from the options accept the service's tokens", async () => {
    const issuedAt = new Date();
    const { token } = await new JwtTokenService(settings, new FixedClock(issuedAt)).issueAccessToken(CLAIMS, {
      issuedAt,
      notAfter: new Date(issuedAt.getTime() + 3_600_000),
    });
    const payload = createVerifier({ ...jwtVerifyOptions(settings), key: SECRET })(token);
    expect(readTokenClaims(payload, "access", settings, new Date())).toEqual(CLAIMS);
  });

  it("lets a plain fast-jwt verifier built from the options refuse a token of another issuer", async () => {
    const other = defaultTokenSettings(SECRET, { algorithm: "HS512", issuer: "other", audience: "aud" });
    const { token } = await new JwtTokenService(other, new FixedClock(new Date())).issueAccessToken(CLAIMS, {
      issuedAt: new Date(),
      notAfter: new Date(Date.now() + 3_600_000),
    });
    expect(() => createVerifier({ ...jwtVerifyOptions(settings), key: SECRET })(token)).toThrow("iss claim");
  });

  it("lets the service accept a token a plain fast-jwt signer built from the options made", async () => {
    const now = new Date();
    const iat = Math.floor(now.getTime() / 1000);
    const sign = createSigner({ ...jwtSignOptions(settings), key: SECRET });
    const token = sign({
      sub: "user-1",
      iat,
      exp: iat + 60,
      jti: "token-1",
      token_type: "access",
      sid: "session-1",
      ver: 0,
    });
    await expect(new JwtTokenService(settings, new FixedClock(now)).verifyAccessToken(token)).resolves.toEqual(CLAIMS);
  });
});
