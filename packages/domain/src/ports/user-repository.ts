import type { UserFilter, UserOrdering } from "../entities/operator-query.ts";
import type { PageRequest } from "../entities/task-query.ts";
import type { User } from "../entities/user.ts";

/** The fields of a user that the web admin's change form writes, checked. */
export interface UserProfileChanges {
  readonly username?: string;
  readonly email?: string;
  readonly isStaff?: boolean;
  readonly isSuperuser?: boolean;
}

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
  /**
   * Writes the given profile fields and nothing else (never the password, `isActive` or
   * `tokenVersion`); a member left out or `undefined` stays as it is. Throws
   * `UsernameTaken` when another user has the new username's `canonicalUsername`. The
   * user as stored afterwards, or `null` when there is none (whatever the username).
   */
  updateProfile(id: string, changes: UserProfileChanges): Promise<User | null>;
  /** Makes the user active; `tokenVersion` stays. The user as stored afterwards, or `null`. */
  activate(id: string): Promise<User | null>;
  /**
   * Deletes the user with its tasks and sessions; its history entries stay, without it
   * (`userId` null). Returns whether there was one.
   */
  delete(id: string): Promise<boolean>;
  /**
   * One page of the users that match `filter`, with how many match, ordered by `ordering`
   * (default: date joined, oldest first) and then by id in the direction of the last term.
   * `username` orders by `canonicalUsername` and `email` by the lower-cased email, both in
   * code-point order (PostgreSQL's "C" collation); `false` comes before `true`; a user who
   * never logged in comes after every other in ascending order of `last_login`, before
   * them in descending order. The search folds case as `toLowerCase()` does.
   */
  list(page: PageRequest, filter?: UserFilter, ordering?: UserOrdering): Promise<UserPage>;
  /**
   * Inside a transaction: the users of these ids that exist, ordered by id, each row locked
   * until the transaction ends (taken in id order, so that two such transactions never wait
   * on each other in a circle). A check made on them then holds for the writes that
   * follow: no concurrent change to those users can come in between. A string that cannot
   * be an id matches none.
   */
  lockByIds(ids: readonly string[]): Promise<User[]>;
  /** The users of these ids that exist, in no particular order; a string that cannot be an id matches none. */
  findByIds(ids: readonly string[]): Promise<User[]>;
  count(): Promise<number>;
}
