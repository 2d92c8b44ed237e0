import type { Kysely, Selectable } from "kysely";
import type { RecordsDatabase } from "../records/index.ts";

/**
 * MikroORM's Kysely, typed from the records, on the connection of the current transaction
 * when there is one, else on the pool. Repositories map between rows and domain objects
 * themselves, so a query costs what the same SQL written by hand costs.
 */
export type QuerySource = () => Kysely<RecordsDatabase>;

/** A row of `table` as read, by column name. */
export type Row<Table extends keyof RecordsDatabase> = Selectable<RecordsDatabase[Table]>;

/**
 * A `timestamptz` as read: MikroORM's type parsers keep PostgreSQL's text
 * (`2026-11-24 09:30:00.123+00`) although the records type it as a `Date`.
 */
export function parseTimestamp(value: Date | string): Date {
  return new Date(value);
}
