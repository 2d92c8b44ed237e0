import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { RandomSessionKeys } from "../src/index.ts";

describe("RandomSessionKeys", () => {
  const keys = new RandomSessionKeys();

  it("makes keys of 256 random bits, fit for a cookie, never the same twice", () => {
    const made = Array.from({ length: 1_000 }, () => keys.newKey());
    expect(new Set(made).size).toBe(1_000);
    for (const key of made) {
      expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(key, "base64url")).toHaveLength(32);
    }
  });

  it("hashes a key with SHA-256, so that storage never holds the key", () => {
    const key = keys.newKey();
    expect(keys.hash(key)).toBe(createHash("sha256").update(key).digest("hex"));
    expect(keys.hash(key)).not.toContain(key);
    expect(keys.hash(`${key}x`)).not.toBe(keys.hash(key));
  });
});
