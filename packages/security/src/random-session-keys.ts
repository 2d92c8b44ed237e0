import { createHash, randomBytes } from "node:crypto";
import type { SessionKeys } from "@tasks/domain";

// 256 bits: twice the contract's minimum for a session key.
const KEY_BYTES = 32;

/** Cookie keys from the operating system's random source; storage keeps their SHA-256. */
export class RandomSessionKeys implements SessionKeys {
  newKey(): string {
    return randomBytes(KEY_BYTES).toString("base64url");
  }

  hash(key: string): string {
    return createHash("sha256").update(key, "utf8").digest("hex");
  }
}
