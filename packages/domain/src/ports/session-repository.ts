import type { Session } from "../entities/session.ts";

export interface SessionRepository {
  add(session: Session): Promise<void>;
  /** `null` for an unknown id, and for a string that cannot be an id at all. */
  findById(id: string): Promise<Session | null>;
  /**
   * Compare-and-set for refresh-token rotation: writes `session` only if the stored row
   * still has `expectedRefreshTokenId` as its current token and is not revoked. Returns
   * whether it wrote. Of two concurrent rotations from the same token, exactly one wins.
   */
  replaceIfCurrent(session: Session, expectedRefreshTokenId: string): Promise<boolean>;
  /** Writes every field of an existing session (used to revoke it). */
  update(session: Session): Promise<void>;
}
