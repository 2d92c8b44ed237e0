import type { User } from "../entities/user.ts";

export interface UserRepository {
  /** Throws `UsernameTaken` when the username is already used, in any case. */
  add(user: User): Promise<void>;
  /** `null` for an unknown id, and for a string that cannot be an id at all. */
  findById(id: string): Promise<User | null>;
  /** Case-insensitive: `findByUsername("ALICE")` finds "alice". */
  findByUsername(username: string): Promise<User | null>;
  /** Writes every field of an existing user. */
  update(user: User): Promise<void>;
  /** Deletes the user with its tasks and sessions. Returns whether there was one. */
  delete(id: string): Promise<boolean>;
  /** Every user, oldest first (by date joined, then id). */
  list(): Promise<User[]>;
  count(): Promise<number>;
}
