import type { PageRequest } from "../entities/task-query.ts";
import type { User } from "../entities/user.ts";

export interface UserPage {
  readonly items: User[];
  /** How many users there are, over all pages. */
  readonly count: number;
}

/**
 * Users. Every change is a targeted write of the columns it is about, never a whole row
 * written back from an earlier read: a login that read the user before an operator
 * deactivated them must not make them active again when it records `lastLogin`. The
 * changes that revoke tokens bump `tokenVersion` in the same write as the change itself,
 * as `User.withPassword` and `User.deactivate` describe.
 */
export interface UserRepository {
  /** Throws `UsernameTaken` when a user with the same `canonicalUsername` exists. */
  add(user: User): Promise<void>;
  /** `null` for an unknown id, and for a string that cannot be an id at all. */
  findById(id: string): Promise<User | null>;
  /** By `canonicalUsername`: `findByUsername("ALICE")` finds "alice". */
  findByUsername(username: string): Promise<User | null>;
  /** Sets `lastLogin` and nothing else. */
  recordLogin(id: string, at: Date): Promise<void>;
  /**
   * Sets the password hash and, in the same write, adds one to `tokenVersion`. The user as
   * stored afterwards, or `null` when there is none.
   */
  changePassword(id: string, passwordHash: string): Promise<User | null>;
  /**
   * Makes an active user inactive and, in the same write, adds one to `tokenVersion`; an
   * inactive user stays as it is. The user as stored afterwards, or `null`.
   */
  deactivate(id: string): Promise<User | null>;
  /** Makes the user active; `tokenVersion` stays. The user as stored afterwards, or `null`. */
  activate(id: string): Promise<User | null>;
  /** Deletes the user with its tasks and sessions. Returns whether there was one. */
  delete(id: string): Promise<boolean>;
  /** One page of the users, oldest first (by date joined, then id), with how many there are. */
  list(page: PageRequest): Promise<UserPage>;
  /** The users of these ids that exist, in no particular order; a string that cannot be an id matches none. */
  findByIds(ids: readonly string[]): Promise<User[]>;
  count(): Promise<number>;
}
