import type { HistoryEntry, HistoryObjectType, HistoryRepository } from "@tasks/domain";
import { isUuid, translateErrors, translateWriteNaming } from "../errors.ts";
import { COLUMNS, parseTimestamp, type QuerySource, type Row } from "./query-source.ts";

/** The foreign key from an entry to the staff member who acted. */
const USER_KEY = "history_entries_user_id_foreign";

export class KyselyHistoryRepository implements HistoryRepository {
  readonly #db: QuerySource;

  constructor(db: QuerySource) {
    this.#db = db;
  }

  add(entry: HistoryEntry): Promise<void> {
    return translateWriteNaming(USER_KEY, entry.userId, async () => {
      await this.#db().insertInto("history_entries").values(toRow(entry)).execute();
    });
  }

  listForObject(objectType: HistoryObjectType, objectId: string): Promise<HistoryEntry[]> {
    return translateErrors(async () => {
      const rows = await this.#db()
        .selectFrom("history_entries")
        .select(COLUMNS.history_entries)
        .where("object_type", "=", objectType)
        .where("object_id", "=", objectId)
        .orderBy("action_time")
        .orderBy("id")
        .execute();
      return rows.map(toEntry);
    });
  }

  recentByUser(userId: string, limit: number): Promise<HistoryEntry[]> {
    if (!isUuid(userId)) return Promise.resolve([]);
    return translateErrors(async () => {
      const rows = await this.#db()
        .selectFrom("history_entries")
        .select(COLUMNS.history_entries)
        .where("user_id", "=", userId)
        .orderBy("action_time", "desc")
        .orderBy("id", "desc")
        .limit(limit)
        .execute();
      return rows.map(toEntry);
    });
  }
}

function toRow(entry: HistoryEntry): Row<"history_entries"> {
  return {
    id: entry.id,
    action_time: entry.actionTime,
    user_id: entry.userId,
    username: entry.username,
    object_type: entry.objectType,
    object_id: entry.objectId,
    object_repr: entry.objectRepr,
    action: entry.action,
    change_message: entry.changeMessage,
  };
}

function toEntry(row: Row<"history_entries">): HistoryEntry {
  return {
    id: row.id,
    actionTime: parseTimestamp(row.action_time),
    userId: row.user_id,
    username: row.username,
    objectType: row.object_type,
    objectId: row.object_id,
    objectRepr: row.object_repr,
    action: row.action,
    changeMessage: row.change_message,
  };
}
