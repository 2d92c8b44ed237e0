import type { UnitOfWork } from "../index.ts";
import { type Transactional, WriteLog } from "./write-log.ts";

export interface TransactionRecord {
  readonly number: number;
  readonly outcome: "committed" | "rolled back";
}

/**
 * A transaction over the fake repositories: if `work` throws, every row they hold is put
 * back as it was when the transaction began. A transaction opened inside another joins it,
 * as with a real database connection.
 */
export class InMemoryUnitOfWork implements UnitOfWork {
  readonly transactions: TransactionRecord[] = [];
  private readonly participants: readonly Transactional[];
  private readonly log: WriteLog;
  private opened = 0;

  constructor(participants: readonly Transactional[], log: WriteLog = new WriteLog()) {
    this.participants = participants;
    this.log = log;
  }

  async transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.log.transaction !== null) return work();
    const restores = this.participants.map((participant) => participant.snapshot());
    const number = ++this.opened;
    this.log.transaction = number;
    try {
      const result = await work();
      this.transactions.push({ number, outcome: "committed" });
      return result;
    } catch (error) {
      for (const restore of restores) restore();
      this.transactions.push({ number, outcome: "rolled back" });
      throw error;
    } finally {
      this.log.transaction = null;
    }
  }
}
