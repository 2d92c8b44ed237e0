import { Session, type SessionRepository } from "@tasks/domain";
import { guard, isUuid } from "../errors.ts";
import { SessionRecord } from "../records/session.record.ts";
import type { EntityManagerSource } from "./entity-manager-source.ts";

export class MikroOrmSessionRepository implements SessionRepository {
  readonly #em: EntityManagerSource;

  constructor(em: EntityManagerSource) {
    this.#em = em;
  }

  add(session: Session): Promise<void> {
    return guard(async () => {
      await this.#em().insert(SessionRecord, toRecord(session));
    });
  }

  findById(id: string): Promise<Session | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return guard(async () => {
      const record = await this.#em().findOne(SessionRecord, { id }, { disableIdentityMap: true });
      return record === null ? null : toSession(record);
    });
  }

  /**
   * One UPDATE whose WHERE clause is the compare: PostgreSQL re-checks it on the row it
   * locked, so of two concurrent rotations from one token the second finds it spent.
   */
  replaceIfCurrent(session: Session, expectedRefreshTokenId: string): Promise<boolean> {
    if (!isUuid(session.id) || !isUuid(expectedRefreshTokenId)) return Promise.resolve(false);
    return guard(async () => {
      const { id, userId: _userId, createdAt: _createdAt, ...changes } = toRecord(session);
      const written = await this.#em().nativeUpdate(
        SessionRecord,
        { id, refreshTokenId: expectedRefreshTokenId, revokedAt: null },
        changes,
      );
      return written === 1;
    });
  }

  update(session: Session): Promise<void> {
    return guard(async () => {
      const { id, ...fields } = toRecord(session);
      await this.#em().nativeUpdate(SessionRecord, { id }, fields);
    });
  }
}

function toRecord(session: Session): SessionRecord {
  return {
    id: session.id,
    userId: session.userId,
    refreshTokenId: session.refreshTokenId,
    rotatedFrom: session.rotatedFrom,
    createdAt: session.createdAt,
    expiresAt: session.expiresAt,
    revokedAt: session.revokedAt,
  };
}

function toSession(record: SessionRecord): Session {
  return Session.rehydrate({
    id: record.id,
    userId: record.userId,
    refreshTokenId: record.refreshTokenId,
    rotatedFrom: record.rotatedFrom ?? null,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    revokedAt: record.revokedAt ?? null,
  });
}
