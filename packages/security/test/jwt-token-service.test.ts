import { InvalidToken, type TokenClaims } from "@tasks/domain";
import { beforeEach, describe, expect, it } from "vitest";
import { defaultTokenSettings, JwtTokenService, REQUIRED_CLAIMS, type TokenSettings } from "../src/index.ts";
import { FixedClock } from "./fixed-clock.ts";
import { base64url, decodeSegment, hmacToken, withPayload } from "./forge.ts";

const SECRET = "a-test-secret-that-is-32-bytes-!";
const OTHER_SECRET = "another-secret-also-32-bytes-lon";
const START = new Date("2026-03-01T12:00:00.000Z");
const NOW = START.getTime() / 1000;
const CLAIMS: TokenClaims = { userId: "user-1", sessionId: "session-1", tokenId: "token-1", tokenVersion: 3 };
const HEADER = { alg: "HS256", typ: "JWT" };

let clock: FixedClock;
let tokens: JwtTokenService;

beforeEach(() => {
  clock = new FixedClock(START);
  tokens = new JwtTokenService(defaultTokenSettings(SECRET), clock);
});

const FAR_AWAY = new Date("2100-01-01T00:00:00.000Z");
/** Issue options for a token issued now by the test's clock, with no login end close by. */
const now = () => ({ issuedAt: clock.now(), notAfter: FAR_AWAY });

/** A payload exactly like the service's own access tokens, to tamper with. */
function accessPayload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub: "user-1",
    iat: NOW,
    exp: NOW + 900,
    jti: "token-1",
    iss: "tasks-api",
    aud: "tasks-api",
    token_type: "access",
    sid: "session-1",
    ver: 3,
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<InvalidToken> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(InvalidToken);
  return error as InvalidToken;
}

describe("issuing and verifying", () => {
  it("verifies its own access token back to the same claims", async () => {
    const issued = await tokens.issueAccessToken(CLAIMS, now());
    await expect(tokens.verifyAccessToken(issued.token)).resolves.toEqual(CLAIMS);
    expect(issued.expiresAt).toEqual(new Date(START.getTime() + 900_000));
  });

  it("verifies its own refresh token back to the same claims, valid for 7 days", async () => {
    const issued = await tokens.issueRefreshToken(CLAIMS, now());
    await expect(tokens.verifyRefreshToken(issued.token)).resolves.toEqual(CLAIMS);
    expect(issued.expiresAt).toEqual(new Date(START.getTime() + 7 * 86_400_000));
  });

  it("writes the pinned header and exactly the simplejwt-style claims", async () => {
    const { token } = await tokens.issueRefreshToken(CLAIMS, now());
    expect(decodeSegment(token, 0)).toEqual({ alg: "HS256", typ: "JWT" });
    expect(decodeSegment(token, 1)).toEqual({
      ...accessPayload({ token_type: "refresh", exp: NOW + 604_800 }),
    });
  });

  it("takes iat from the domain clock in whole seconds", async () => {
    clock.advanceSeconds(0.75);
    const { token, expiresAt } = await tokens.issueAccessToken(CLAIMS, now());
    expect(decodeSegment(token, 1)).toMatchObject({ iat: NOW, exp: NOW + 900 });
    expect(expiresAt).toEqual(new Date((NOW + 900) * 1000));
  });

  it("signs with the configured algorithm and lifetimes", async () => {
    const settings = defaultTokenSettings(SECRET, { algorithm: "HS512", accessTokenTtlSeconds: 60 });
    const hs512 = new JwtTokenService(settings, clock);
    const { token, expiresAt } = await hs512.issueAccessToken(CLAIMS, now());
    expect(decodeSegment(token, 0)).toEqual({ alg: "HS512", typ: "JWT" });
    expect(expiresAt).toEqual(new Date((NOW + 60) * 1000));
    await expect(hs512.verifyAccessToken(token)).resolves.toEqual(CLAIMS);
  });

  it("accepts a token crafted by hand in its format (so the forgeries below are well formed)", async () => {
    await expect(tokens.verifyAccessToken(hmacToken(HEADER, accessPayload(), SECRET))).resolves.toEqual(CLAIMS);
  });

  it("accepts an audience list that contains its audience", async () => {
    const token = hmacToken(HEADER, accessPayload({ aud: ["another-api", "tasks-api"] }), SECRET);
    await expect(tokens.verifyAccessToken(token)).resolves.toEqual(CLAIMS);
  });
});

describe("issuing deterministically", () => {
  it("gives the same token for the same claims issued at the same second, and another a second later", async () => {
    const first = await tokens.issueRefreshToken(CLAIMS, now());
    clock.advanceSeconds(0.5);
    expect((await tokens.issueRefreshToken(CLAIMS, now())).token).toBe(first.token);
    clock.advanceSeconds(0.5);
    expect((await tokens.issueRefreshToken(CLAIMS, now())).token).not.toBe(first.token);
  });

  it("issues a token at the instant it is asked, not the clock's", async () => {
    const earlier = new Date(START.getTime() - 60_000);
    const { token, expiresAt } = await tokens.issueAccessToken(CLAIMS, { issuedAt: earlier, notAfter: FAR_AWAY });
    expect(decodeSegment(token, 1)).toMatchObject({ iat: NOW - 60, exp: NOW - 60 + 900 });
    expect(expiresAt).toEqual(new Date((NOW - 60 + 900) * 1000));
  });

  it("never lets a token live past the instant it is told (a login's end)", async () => {
    const notAfter = new Date(START.getTime() + 120_500);
    const { token, expiresAt } = await tokens.issueRefreshToken(CLAIMS, { issuedAt: START, notAfter });
    expect(decodeSegment(token, 1)).toMatchObject({ exp: NOW + 120 });
    expect(expiresAt).toEqual(new Date((NOW + 120) * 1000));
  });
});

describe("clock leeway", () => {
  it("accepts a token up to 5 seconds after it expired, and refuses it after that", async () => {
    const { token } = await tokens.issueAccessToken(CLAIMS, now());
    clock.advanceSeconds(900 + 5);
    await expect(tokens.verifyAccessToken(token)).resolves.toEqual(CLAIMS);
    clock.advanceSeconds(1);
    const error = await rejection(tokens.verifyAccessToken(token));
    expect(error.reason).toBe(`expired (exp ${NOW + 900})`);
  });

  it("refuses an expired refresh token", async () => {
    const { token } = await tokens.issueRefreshToken(CLAIMS, now());
    clock.advanceSeconds(7 * 86_400 + 6);
    const error = await rejection(tokens.verifyRefreshToken(token));
    expect(error.reason).toBe(`expired (exp ${NOW + 7 * 86_400})`);
  });

  it("accepts a token issued up to 5 seconds in the future, and refuses one issued later than that", async () => {
    const slightlyAhead = hmacToken(HEADER, accessPayload({ iat: NOW + 5, exp: NOW + 905 }), SECRET);
    await expect(tokens.verifyAccessToken(slightlyAhead)).resolves.toEqual(CLAIMS);
    const tooFarAhead = hmacToken(HEADER, accessPayload({ iat: NOW + 6, exp: NOW + 906 }), SECRET);
    const error = await rejection(tokens.verifyAccessToken(tooFarAhead));
    expect(error.reason).toBe(`issued in the future (iat ${NOW + 6})`);
  });

  it("refuses a token whose nbf is still ahead beyond the leeway, and accepts it within", async () => {
    const token = hmacToken(HEADER, accessPayload({ nbf: NOW + 60 }), SECRET);
    const error = await rejection(tokens.verifyAccessToken(token));
    expect(error.reason).toBe(`not valid yet (nbf ${NOW + 60})`);
    clock.advanceSeconds(55);
    await expect(tokens.verifyAccessToken(token)).resolves.toEqual(CLAIMS);
  });

  it("judges time by its own clock, not the machine's", async () => {
    const pastClock = new FixedClock(new Date("2001-01-01T00:00:00.000Z"));
    const past = new JwtTokenService(defaultTokenSettings(SECRET), pastClock);
    const { token } = await past.issueAccessToken(CLAIMS, { issuedAt: pastClock.now(), notAfter: FAR_AWAY });
    await expect(past.verifyAccessToken(token)).resolves.toEqual(CLAIMS);
    await rejection(tokens.verifyAccessToken(token));
  });

  it("refuses a token with no leeway at all when the tolerance is 0", async () => {
    const strict = new JwtTokenService(defaultTokenSettings(SECRET, { clockToleranceSeconds: 0 }), clock);
    const { token } = await strict.issueAccessToken(CLAIMS, now());
    clock.advanceSeconds(901);
    const error = await rejection(strict.verifyAccessToken(token));
    expect(error.reason).toBe(`expired (exp ${NOW + 900})`);
  });
});

describe("verifying a token seen before", () => {
  it("refuses a copy with its signature or payload changed after the genuine token was verified", async () => {
    const { token } = await tokens.issueAccessToken(CLAIMS, now());
    await expect(tokens.verifyAccessToken(token)).resolves.toEqual(CLAIMS);
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const otherSignature = `${signature.slice(0, -2)}${signature.endsWith("AA") ? "BA" : "AA"}`;
    const otherPayload = base64url({ ...accessPayload(), sub: "someone-else" });

    expect((await rejection(tokens.verifyAccessToken(`${header}.${payload}.${otherSignature}`))).reason).toMatch(
      /^FAST_JWT_INVALID_SIGNATURE/,
    );
    expect((await rejection(tokens.verifyAccessToken(`${header}.${otherPayload}.${signature}`))).reason).toMatch(
      /^FAST_JWT_INVALID_SIGNATURE/,
    );
    await expect(tokens.verifyAccessToken(token)).resolves.toEqual(CLAIMS);
  });

  it("still refuses an access token verified before when it is offered as a refresh token", async () => {
    const { token } = await tokens.issueAccessToken(CLAIMS, now());
    await tokens.verifyAccessToken(token);
    expect((await rejection(tokens.verifyRefreshToken(token))).reason).toMatch(/^wrong token type/);
  });

  it("refuses a token verified while it was valid once it has expired", async () => {
    const { token } = await tokens.issueAccessToken(CLAIMS, now());
    await expect(tokens.verifyAccessToken(token)).resolves.toEqual(CLAIMS);
    clock.advanceSeconds(900 + 6);
    expect((await rejection(tokens.verifyAccessToken(token))).reason).toBe(`expired (exp ${NOW + 900})`);
  });

  it("still verifies the first of many tokens once more than a thousand others have been verified", async () => {
    const tokensIssued = await Promise.all(
      Array.from({ length: 1_200 }, (_, index) =>
        tokens.issueAccessToken({ ...CLAIMS, tokenId: `token-${index}` }, now()),
      ),
    );
    for (const { token } of tokensIssued) await tokens.verifyAccessToken(token);
    const first = tokensIssued[0] as { token: string };
    await expect(tokens.verifyAccessToken(first.token)).resolves.toEqual({ ...CLAIMS, tokenId: "token-0" });
    const [header, payload] = first.token.split(".") as [string, string];
    expect((await rejection(tokens.verifyAccessToken(`${header}.${payload}.`))).reason).toMatch(/^FAST_JWT_/);
  });

  it("refuses a token verified by another service, with another secret", async () => {
    const { token } = await tokens.issueAccessToken(CLAIMS, now());
    await tokens.verifyAccessToken(token);
    const other = new JwtTokenService(defaultTokenSettings(OTHER_SECRET), clock);
    expect((await rejection(other.verifyAccessToken(token))).reason).toMatch(/^FAST_JWT_INVALID_SIGNATURE/);
  });
});

describe("forged and tampered tokens", () => {
  it("refuses alg none with no signature", async () => {
    const token = `${base64url({ alg: "none", typ: "JWT" })}.${base64url(accessPayload())}.`;
    const error = await rejection(tokens.verifyAccessToken(token));
    expect(error.reason).toMatch(/^FAST_JWT_MISSING_SIGNATURE/);
  });

  it.each(["none", "None", "NONE"])("refuses alg %j even with a valid HMAC signature", async (alg) => {
    const token = hmacToken({ alg, typ: "JWT" }, accessPayload(), SECRET);
    const error = await rejection(tokens.verifyAccessToken(token));
    expect(error.reason).toMatch(/^FAST_JWT_INVALID_ALGORITHM/);
  });

  it.each(["HS384", "HS512"] as const)("refuses a token signed with the right key but %s", async (alg) => {
    const token = hmacToken({ alg, typ: "JWT" }, accessPayload(), SECRET, alg);
    const error = await rejection(tokens.verifyAccessToken(token));
    expect(error.reason).toMatch(/^FAST_JWT_INVALID_ALGORITHM/);
  });

  it.each(["RS256", "ES256", "PS256", "EdDSA"])("refuses a header claiming %s (algorithm confusion)", async (alg) => {
    const token = hmacToken({ alg, typ: "JWT" }, accessPayload(), SECRET);
    const error = await rejection(tokens.verifyAccessToken(token));
    expect(error.reason).toMatch(/^FAST_JWT_INVALID_ALGORITHM/);
  });

  it("refuses an HS256 token signed with another key", async () => {
    const token = hmacToken(HEADER, accessPayload(), OTHER_SECRET);
    const error = await rejection(tokens.verifyAccessToken(token));
    expect(error.reason).toMatch(/^FAST_JWT_INVALID_SIGNATURE/);
  });

  it("refuses a token issued by a service with another secret", async () => {
    const other = new JwtTokenService(defaultTokenSettings(OTHER_SECRET), clock);
    const { token } = await other.issueAccessToken(CLAIMS, now());
    const error = await rejection(tokens.verifyAccessToken(token));
    expect(error.reason).toMatch(/^FAST_JWT_INVALID_SIGNATURE/);
  });

  it.each([
    ["another user", { sub: "user-2" }],
    ["an older token version", { ver: 2 }],
    ["a later expiry", { exp: NOW + 86_400 }],
    ["the refresh type", { token_type: "refresh" }],
  ])("refuses a payload edited to %s under the original signature", async (_, edit) => {
    const { token } = await tokens.issueAccessToken(CLAIMS, now());
    const tampered = withPayload(token, { ...decodeSegment(token, 1), ...edit });
    const error = await rejection(tokens.verifyAccessToken(tampered));
    expect(error.reason).toMatch(/^FAST_JWT_INVALID_SIGNATURE/);
    if ("token_type" in edit) await rejection(tokens.verifyRefreshToken(tampered));
  });

  it("refuses a signature stripped from a genuine token", async () => {
    const { token } = await tokens.issueAccessToken(CLAIMS, now());
    const error = await rejection(tokens.verifyAccessToken(token.slice(0, token.lastIndexOf(".") + 1)));
    expect(error.reason).toMatch(/^FAST_JWT_MISSING_SIGNATURE/);
  });

  it.each([
    ["iss", { iss: "someone-else" }],
    ["aud", { aud: "another-api" }],
    ["aud", { aud: ["another-api", "a-third-api"] }],
  ])("refuses a wrong %s", async (claim, edit) => {
    const token = hmacToken(HEADER, accessPayload(edit), SECRET);
    const error = await rejection(tokens.verifyAccessToken(token));
    expect(error.reason).toMatch(new RegExp(`^FAST_JWT_INVALID_CLAIM_VALUE: .*${claim} claim`));
  });

  it("refuses a token from a service with another issuer and audience", async () => {
    const settings: TokenSettings = defaultTokenSettings(SECRET, { issuer: "billing", audience: "billing" });
    const { token } = await new JwtTokenService(settings, clock).issueAccessToken(CLAIMS, now());
    const error = await rejection(tokens.verifyAccessToken(token));
    expect(error.reason).toMatch(/^FAST_JWT_INVALID_CLAIM_VALUE/);
  });

  it.each([
    ["no typ", { alg: "HS256" }],
    ["another typ", { alg: "HS256", typ: "at+jwt" }],
  ])("refuses a header with %s", async (_, header) => {
    const error = await rejection(tokens.verifyAccessToken(hmacToken(header, accessPayload(), SECRET)));
    expect(error.reason).toMatch(/^FAST_JWT_INVALID_TYPE/);
  });

  it.each(["", "not-a-token", "a.b", "a.b.c", "....", `${base64url("[]")}.${base64url("{}")}.`])(
    "refuses the malformed token %j",
    async (token) => {
      await rejection(tokens.verifyAccessToken(token));
    },
  );

  it("refuses a payload that is not a JSON object", async () => {
    const input = `${base64url(HEADER)}.${base64url("[1,2]")}`;
    const token = hmacToken(HEADER, {}, SECRET).replace(/^[^.]+\.[^.]+/, input);
    await rejection(tokens.verifyAccessToken(token));
  });
});

describe("required claims and their types", () => {
  it.each(REQUIRED_CLAIMS)("refuses a token without %s", async (claim) => {
    const payload = accessPayload();
    delete payload[claim];
    const error = await rejection(tokens.verifyAccessToken(hmacToken(HEADER, payload, SECRET)));
    expect(error.reason).toBe(`FAST_JWT_MISSING_REQUIRED_CLAIM: The ${claim} claim is required.`);
  });

  it.each([
    ["sub", 42, "claim sub is not a non-empty string"],
    ["sub", "", "claim sub is not a non-empty string"],
    ["sid", null, "claim sid is not a non-empty string"],
    ["sid", ["session-1"], "claim sid is not a non-empty string"],
    ["jti", 7, "claim jti is not a non-empty string"],
    ["ver", -1, "claim ver is not an integer >= 0"],
    ["ver", 1.5, "claim ver is not an integer >= 0"],
    ["ver", "3", "claim ver is not an integer >= 0"],
    ["ver", null, "claim ver is not an integer >= 0"],
    ["iat", "yesterday", "claim iat is not a number"],
    ["token_type", "bogus", 'wrong token type: expected access, got "bogus"'],
    ["token_type", null, "wrong token type: expected access, got null"],
  ])("refuses %s = %j", async (claim, value, reason) => {
    const token = hmacToken(HEADER, accessPayload({ [claim]: value }), SECRET);
    const error = await rejection(tokens.verifyAccessToken(token));
    expect(error.reason).toBe(reason);
  });

  it('refuses exp = "tomorrow"', async () => {
    const token = hmacToken(HEADER, accessPayload({ exp: "tomorrow" }), SECRET);
    const error = await rejection(tokens.verifyAccessToken(token));
    expect(error.reason).toBe("claim exp is not a number");
  });

  it.each([
    ["iss", 1],
    ["aud", { name: "tasks-api" }],
  ])("refuses %s = %j (checked by fast-jwt)", async (claim, value) => {
    const token = hmacToken(HEADER, accessPayload({ [claim]: value }), SECRET);
    const error = await rejection(tokens.verifyAccessToken(token));
    expect(error.reason).toMatch(/^FAST_JWT_INVALID_CLAIM_TYPE/);
  });
});

describe("token types", () => {
  it("refuses a refresh token presented as an access token", async () => {
    const { token } = await tokens.issueRefreshToken(CLAIMS, now());
    const error = await rejection(tokens.verifyAccessToken(token));
    expect(error.reason).toBe('wrong token type: expected access, got "refresh"');
  });

  it("refuses an access token presented as a refresh token", async () => {
    const { token } = await tokens.issueAccessToken(CLAIMS, now());
    const error = await rejection(tokens.verifyRefreshToken(token));
    expect(error.reason).toBe('wrong token type: expected refresh, got "access"');
  });
});

describe("settings", () => {
  it("refuses a secret shorter than 32 bytes with a message that says so", () => {
    expect(() => new JwtTokenService({ ...defaultTokenSettings(SECRET), secret: "short" }, clock)).toThrow(
      "Token secret must be at least 32 bytes long, got 5.",
    );
  });

  it("refuses an algorithm other than HS256, HS384 or HS512", () => {
    const settings = { ...defaultTokenSettings(SECRET), algorithm: "none" } as unknown as TokenSettings;
    expect(() => new JwtTokenService(settings, clock)).toThrow(
      'Token algorithm must be one of HS256, HS384, HS512, got "none".',
    );
  });
});
