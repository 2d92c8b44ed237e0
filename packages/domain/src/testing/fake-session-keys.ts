import type { SessionKeys } from "../index.ts";

/** Keys numbered in order, hashed by a reversible mark: enough to tell that storage never sees a key. */
export class FakeSessionKeys implements SessionKeys {
  readonly made: string[] = [];

  newKey(): string {
    const key = `session-key-${this.made.length + 1}`;
    this.made.push(key);
    return key;
  }

  hash(key: string): string {
    return `hashed(${key})`;
  }
}
