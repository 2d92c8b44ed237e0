import type { InferKyselyDB } from "@mikro-orm/postgresql";
import { HistoryEntryRecord } from "./history-entry.record.ts";
import { SessionRecord } from "./session.record.ts";
import { TaskRecord } from "./task.record.ts";
import { TaskCountRecord } from "./task-count.record.ts";
import { UserRecord } from "./user.record.ts";

/** Every table this package maps, for the ORM's discovery and the migrator's schema diff. */
export const RECORDS = [UserRecord, TaskRecord, TaskCountRecord, SessionRecord, HistoryEntryRecord];

/** The tables as MikroORM's Kysely sees them (table and column names), inferred from the records. */
export type RecordsDatabase = InferKyselyDB<
  typeof UserRecord | typeof TaskRecord | typeof TaskCountRecord | typeof SessionRecord | typeof HistoryEntryRecord
>;
