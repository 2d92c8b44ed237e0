import {
  type HistoryEntry,
  type HistoryObjectType,
  type HistoryRepository,
  UserGone,
  type UserRepository,
} from "../index.ts";
import { compareIds } from "./task-order.ts";
import { Table, type Transactional, type WriteLog } from "./write-log.ts";

/** The port's semantics over a Map: entries in action-time order, with the id as tie-break. */
export class InMemoryHistoryRepository implements HistoryRepository, Transactional {
  /**
   * Unset by `fakePorts`, as most tests record history for staff members they never
   * stored; a test that sets it gets the foreign key's check: the staff member who acted
   * must exist, or `UserGone`.
   */
  users: Pick<UserRepository, "findById"> | null = null;
  private readonly table = new Table<HistoryEntry>();
  private readonly log: WriteLog | undefined;

  constructor(log?: WriteLog) {
    this.log = log;
  }

  snapshot(): () => void {
    return this.table.snapshot();
  }

  async add(entry: HistoryEntry): Promise<void> {
    if (this.table.rows.has(entry.id)) throw new Error(`duplicate history entry id ${entry.id}`);
    if (entry.userId !== null && this.users !== null && (await this.users.findById(entry.userId)) === null)
      throw new UserGone(entry.userId);
    this.table.rows.set(entry.id, entry);
    this.log?.record("history", "add", entry.id);
  }

  async listForObject(objectType: HistoryObjectType, objectId: string): Promise<HistoryEntry[]> {
    return this.sorted().filter((entry) => entry.objectType === objectType && entry.objectId === objectId);
  }

  async recentByUser(userId: string, limit: number): Promise<HistoryEntry[]> {
    return this.sorted()
      .filter((entry) => entry.userId === userId)
      .reverse()
      .slice(0, limit);
  }

  /** The cascade of a user's deletion: their entries stay, without them. */
  forgetUser(userId: string): void {
    for (const [id, entry] of this.table.rows)
      if (entry.userId === userId) this.table.rows.set(id, { ...entry, userId: null });
  }

  private sorted(): HistoryEntry[] {
    return [...this.table.rows.values()].sort(
      (a, b) => a.actionTime.getTime() - b.actionTime.getTime() || compareIds(a.id, b.id),
    );
  }
}
