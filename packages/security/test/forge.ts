import { createHmac } from "node:crypto";

/**
 * Builds JWTs by hand with node:crypto, independently of the library under test, so that
 * forged and tampered tokens are real attacks rather than whatever the library would sign.
 */
export function base64url(value: unknown): string {
  return Buffer.from(typeof value === "string" ? value : JSON.stringify(value), "utf8").toString("base64url");
}

const HMAC_HASH = { HS256: "sha256", HS384: "sha384", HS512: "sha512" } as const;

export function hmacToken(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: string,
  hash: keyof typeof HMAC_HASH = "HS256",
): string {
  const input = `${base64url(header)}.${base64url(payload)}`;
  return `${input}.${createHmac(HMAC_HASH[hash], key).update(input).digest("base64url")}`;
}

export function decodeSegment(token: string, index: 0 | 1): Record<string, unknown> {
  const segment = token.split(".")[index] ?? "";
  return JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
}

/** The same token with its payload replaced and its original signature kept. */
export function withPayload(token: string, payload: Record<string, unknown>): string {
  const [header, , signature] = token.split(".");
  return `${header}.${base64url(payload)}.${signature}`;
}
