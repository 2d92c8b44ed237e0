import type { HistoryEntry, HistoryObjectType } from "../entities/history-entry.ts";

/** The web admin's history of changes. Entries are only ever added. */
export interface HistoryRepository {
  /** Adds an entry; `UserGone` when the staff member who acted does not exist (deleted meanwhile). */
  add(entry: HistoryEntry): Promise<void>;
  /** Every entry about one object, oldest first (by action time, then id), as Django's history page lists them. */
  listForObject(objectType: HistoryObjectType, objectId: string): Promise<HistoryEntry[]>;
  /** The last `limit` entries this user made, newest first: the admin index's "Recent actions". */
  recentByUser(userId: string, limit: number): Promise<HistoryEntry[]>;
}
