import type { RevocationReason, Session, SessionState } from "../entities/session.ts";
import type { User } from "../entities/user.ts";

/** A login with its user, read together in one look-up: what a refresh needs. */
export interface SessionWithUser {
  readonly session: Session;
  readonly user: User;
}

/** A login's state with its user, read together in one look-up: what a request's guard needs. */
export interface SessionStateWithUser {
  readonly session: SessionState;
  readonly user: User;
}

/** How a login is looked up: by its id (token logins), or a cookie login by the hash of its key. */
export type SessionLookup = { readonly id: string } | { readonly keyHash: string };

/**
 * Logins. As with users, every change is a targeted write of what it is about, never a
 * whole row written back from an earlier read, so that a refresh in flight cannot undo a
 * revocation.
 */
export interface SessionRepository {
  /** Stores a new login; `UserGone` when its user does not exist (deleted meanwhile). */
  add(session: Session): Promise<void>;
  /** `null` for an unknown id, and for a string that cannot be an id at all. */
  findById(id: string): Promise<Session | null>;
  /** The login and its user; `null` when there is none. */
  findWithUser(by: SessionLookup): Promise<SessionWithUser | null>;
  /** The login's state (not its tokens, key or client) and its user, for every request's guard; `null` when there is none. */
  findStateWithUser(by: SessionLookup): Promise<SessionStateWithUser | null>;
  /**
   * Compare-and-set for refresh-token rotation: writes the rotation of `session` only if
   * the stored row still has `expectedRefreshTokenId` as its current token and is not
   * revoked. Returns whether it wrote. Of two concurrent rotations from one token, exactly
   * one wins. A token version already recorded on the login is kept (a password change
   * made from it may have landed since `session` was read); only a login without one
   * adopts `session`'s.
   */
  replaceIfCurrent(session: Session, expectedRefreshTokenId: string): Promise<boolean>;
  /** Revokes the login unless it is revoked already; whether it did. */
  revoke(id: string, reason: RevocationReason, at: Date): Promise<boolean>;
  /** Revokes every login of the user that is not revoked yet, but `except`; how many. */
  revokeAllOf(userId: string, reason: RevocationReason, at: Date, except?: string): Promise<number>;
  /** The login stays valid under the user's new `tokenVersion` (the one a password change was made from). */
  keepValidUnder(id: string, tokenVersion: number): Promise<void>;
  /** Moves `lastUsedAt` to `at`, unless another request moved it to a later instant meanwhile. */
  recordUse(id: string, at: Date): Promise<void>;
  /** The user's live logins at `now` (`Session.isLive`), newest first. */
  listLive(userId: string, now: Date): Promise<Session[]>;
  /** Deletes the logins that ended (revoked, expired or past their end) before `before`; how many. */
  deleteEnded(before: Date): Promise<number>;
}
