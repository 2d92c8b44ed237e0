import { type Algorithm, hash, verify } from "@node-rs/argon2";
import type { PasswordHasher } from "@tasks/domain";

/** Argon2 cost parameters: memory in KiB (`m`), passes (`t`) and lanes (`p`). */
export interface Argon2Parameters {
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

/** The OWASP Password Storage Cheat Sheet's argon2id configuration: m=19456 (19 MiB), t=2, p=1. */
export const OWASP_ARGON2_PARAMETERS: Argon2Parameters = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

// The package declares `Algorithm` as an ambient const enum, which isolatedModules cannot read.
const ARGON2ID: Algorithm = 2;

/** Hashes with argon2id into a PHC string (`$argon2id$v=19$m=...,t=...,p=...$salt$hash`). */
export class Argon2PasswordHasher implements PasswordHasher {
  readonly parameters: Argon2Parameters;

  constructor(parameters: Partial<Argon2Parameters> = {}) {
    this.parameters = { ...OWASP_ARGON2_PARAMETERS, ...parameters };
  }

  hash(password: string): Promise<string> {
    return hash(password, { algorithm: ARGON2ID, ...this.parameters });
  }

  async verify(hashed: string, password: string): Promise<boolean> {
    try {
      return await verify(hashed, password);
    } catch {
      // Only an unreadable hash makes argon2 throw: that is "not this password", per the port.
      return false;
    }
  }
}
