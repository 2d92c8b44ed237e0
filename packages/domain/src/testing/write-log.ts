/**
 * What the fake repositories wrote, and inside which transaction of the fake unit of
 * work, so that a test can check that two writes were made atomically.
 */
export interface WriteRecord {
  readonly repository: "users" | "tasks" | "sessions" | "history";
  readonly operation: "add" | "update" | "delete";
  readonly id: string;
  /** The number of the transaction the write was made in, `null` outside any. */
  readonly transaction: number | null;
}

export class WriteLog {
  readonly records: WriteRecord[] = [];
  /** Set by the fake unit of work while a transaction is open. */
  transaction: number | null = null;

  record(repository: WriteRecord["repository"], operation: WriteRecord["operation"], id: string): void {
    this.records.push({ repository, operation, id, transaction: this.transaction });
  }
}

/** A fake repository whose rows a transaction can put back as they were. */
export interface Transactional {
  /** Captures the current rows; calling the result restores them. */
  snapshot(): () => void;
}

/** A Map of rows that can be snapshotted and restored (entities are immutable, so a shallow copy is enough). */
export class Table<Row> implements Transactional {
  rows = new Map<string, Row>();

  snapshot(): () => void {
    const saved = new Map(this.rows);
    return () => {
      this.rows = saved;
    };
  }
}
