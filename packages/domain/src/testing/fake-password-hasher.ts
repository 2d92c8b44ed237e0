import type { PasswordHasher } from "../index.ts";

export type HasherCall =
  | { readonly method: "hash"; readonly password: string; readonly hash: string }
  | { readonly method: "verify"; readonly hash: string; readonly password: string; readonly result: boolean };

/**
 * Salted like a real hasher (two hashes of one password differ) and reads only hashes it
 * made, as the port says; every call is logged so that a test can count the hashing work.
 */
export class FakePasswordHasher implements PasswordHasher {
  readonly calls: HasherCall[] = [];
  private readonly passwords = new Map<string, string>();

  async hash(password: string): Promise<string> {
    const hash = `fake-hash$${this.passwords.size + 1}`;
    this.passwords.set(hash, password);
    this.calls.push({ method: "hash", password, hash });
    return hash;
  }

  async verify(hash: string, password: string): Promise<boolean> {
    const result = this.passwords.get(hash) === password;
    this.calls.push({ method: "verify", hash, password, result });
    return result;
  }

  /** Whether `hash` is one this hasher made, that is, verifying against it costs real work. */
  made(hash: string): boolean {
    return this.passwords.has(hash);
  }

  callsOf<M extends HasherCall["method"]>(method: M): Extract<HasherCall, { method: M }>[] {
    return this.calls.filter((call): call is Extract<HasherCall, { method: M }> => call.method === method);
  }
}
