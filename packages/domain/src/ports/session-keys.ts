/**
 * The keys of cookie logins: random, and kept by storage only as a hash, so that whoever
 * reads the database cannot use what they read as a cookie.
 */
export interface SessionKeys {
  /** A new random key of at least 128 bits, as text fit for a cookie. */
  newKey(): string;
  /** The one-way hash storage keeps (SHA-256 in hex). */
  hash(key: string): string;
}
