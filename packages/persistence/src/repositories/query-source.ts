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
 * Every column of each table, named. Statements are prepared once per connection (see
 * `orm.ts`), and a prepared `select *` or `returning *` fails once a migration adds a
 * column ("cached plan must not change result type"), which would break every running
 * server during a deployment. The row mappers take whole rows, so a list missing a column
 * does not type-check.
 */
export const COLUMNS = {
  users: [
    "id",
    "username",
    "username_key",
    "email",
    "password_hash",
    "is_staff",
    "is_superuser",
    "is_active",
    "date_joined",
    "last_login",
    "token_version",
  ],
  tasks: ["id", "owner_id", "title", "description", "status", "created_at", "updated_at"],
  sessions: [
    "id",
    "user_id",
    "kind",
    "refresh_token_id",
    "access_token_id",
    "issued_at",
    "rotated_from",
    "key_hash",
    "token_version",
    "created_at",
    "last_used_at",
    "expires_at",
    "ends_at",
    "ip_address",
    "user_agent",
    "revoked_at",
    "revocation_reason",
  ],
  history_entries: [
    "id",
    "action_time",
    "user_id",
    "username",
    "object_type",
    "object_id",
    "object_repr",
    "action",
    "change_message",
  ],
} as const satisfies { readonly [Table in keyof RecordsDatabase]?: readonly (keyof Row<Table>)[] };

/**
 * A `timestamptz` as read: MikroORM's type parsers keep PostgreSQL's text
 * (`2026-11-24 09:30:00.123+00`) although the records type it as a `Date`.
 */
export function parseTimestamp(value: Date | string): Date {
  return new Date(value);
}
