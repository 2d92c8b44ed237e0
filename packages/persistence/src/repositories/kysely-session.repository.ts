import { Session, type SessionRepository } from "@tasks/domain";
import { isUuid, translateErrors } from "../errors.ts";
import { parseTimestamp, type QuerySource, type Row } from "./query-source.ts";

export class KyselySessionRepository implements SessionRepository {
  readonly #db: QuerySource;

  constructor(db: QuerySource) {
    this.#db = db;
  }

  add(session: Session): Promise<void> {
    return translateErrors(async () => {
      await this.#db().insertInto("sessions").values(toRow(session)).execute();
    });
  }

  findById(id: string): Promise<Session | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return translateErrors(async () => {
      const row = await this.#db().selectFrom("sessions").selectAll().where("id", "=", id).executeTakeFirst();
      return row === undefined ? null : toSession(row);
    });
  }

  /**
   * One UPDATE whose WHERE clause is the compare: PostgreSQL re-checks it on the row it
   * locked, so of two concurrent rotations from one token the second finds it spent.
   */
  replaceIfCurrent(session: Session, expectedRefreshTokenId: string): Promise<boolean> {
    if (!isUuid(session.id) || !isUuid(expectedRefreshTokenId)) return Promise.resolve(false);
    return translateErrors(async () => {
      const { id, user_id: _userId, created_at: _createdAt, ...changes } = toRow(session);
      const result = await this.#db()
        .updateTable("sessions")
        .set(changes)
        .where("id", "=", id)
        .where("refresh_token_id", "=", expectedRefreshTokenId)
        .where("revoked_at", "is", null)
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    });
  }

  update(session: Session): Promise<void> {
    return translateErrors(async () => {
      const { id, ...fields } = toRow(session);
      await this.#db().updateTable("sessions").set(fields).where("id", "=", id).execute();
    });
  }
}

function toRow(session: Session): Row<"sessions"> {
  return {
    id: session.id,
    user_id: session.userId,
    refresh_token_id: session.refreshTokenId,
    rotated_from: session.rotatedFrom,
    created_at: session.createdAt,
    expires_at: session.expiresAt,
    revoked_at: session.revokedAt,
  };
}

function toSession(row: Row<"sessions">): Session {
  return Session.rehydrate({
    id: row.id,
    userId: row.user_id,
    refreshTokenId: row.refresh_token_id,
    rotatedFrom: row.rotated_from,
    createdAt: parseTimestamp(row.created_at),
    expiresAt: parseTimestamp(row.expires_at),
    revokedAt: row.revoked_at === null ? null : parseTimestamp(row.revoked_at),
  });
}
