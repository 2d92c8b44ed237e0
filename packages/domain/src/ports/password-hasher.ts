export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** `false` for a wrong password, and for a hash this hasher cannot read. */
  verify(hash: string, password: string): Promise<boolean>;
}
