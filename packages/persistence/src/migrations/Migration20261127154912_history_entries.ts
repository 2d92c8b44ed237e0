import { Migration } from "@mikro-orm/migrations";

/**
 * The web admin's history of changes (see history-entry.record.ts), with an index for each
 * of its two reads: one object's entries oldest first, one staff member's newest first.
 */
export class Migration20261127154912_history_entries extends Migration {
  override name = "Migration20261127154912_history_entries";

  override up(): void | Promise<void> {
    this.addSql(
      `create table "history_entries" ("id" uuid not null, "action_time" timestamptz not null, "user_id" uuid null, "username" text not null, "object_type" text not null, "object_id" text not null, "object_repr" varchar(200) not null, "action" text not null, "change_message" text not null, primary key ("id"));`,
    );
    this.addSql(
      `create index "history_entries_object_action_time_id_index" on "history_entries" ("object_type", "object_id", "action_time", "id");`,
    );
    this.addSql(
      `create index "history_entries_user_action_time_id_index" on "history_entries" ("user_id", "action_time", "id");`,
    );

    this.addSql(
      `alter table "history_entries" add constraint "history_entries_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "history_entries" add constraint "history_entries_object_type_check" check ("object_type" in ('task', 'user'));`,
    );
    this.addSql(
      `alter table "history_entries" add constraint "history_entries_action_check" check ("action" in ('addition', 'change', 'deletion'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "history_entries" cascade;`);
  }
}
