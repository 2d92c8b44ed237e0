import { Migration } from "@mikro-orm/migrations";

export class Migration20261124095559_initial extends Migration {
  override name = "Migration20261124095559_initial";

  override up(): void | Promise<void> {
    this.addSql(`create type "task_status" as enum ('todo', 'doing', 'done');`);
    this.addSql(
      `create table "users" ("id" uuid not null, "username" text not null, "email" text not null default '', "password_hash" text not null, "is_staff" boolean not null default false, "is_superuser" boolean not null default false, "is_active" boolean not null default true, "date_joined" timestamptz not null, "last_login" timestamptz null, "token_version" int not null default 0, primary key ("id"));`,
    );
    this.addSql(`create unique index "users_username_lower_unique" on "users" (lower("username"));`);
    this.addSql(`create index "users_date_joined_id_index" on "users" ("date_joined", "id");`);
    this.addSql(
      `alter table "users" add constraint "users_username_length_check" check (char_length(username) >= 1 and char_length(username) <= 150);`,
    );
    this.addSql(`alter table "users" add constraint "users_email_length_check" check (char_length(email) <= 254);`);
    this.addSql(`alter table "users" add constraint "users_token_version_check" check (token_version >= 0);`);

    this.addSql(
      `create table "tasks" ("id" uuid not null, "owner_id" uuid not null, "title" text collate "und-x-icu" not null, "description" text not null default '', "status" "task_status" not null default 'todo', "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "tasks_owner_created_at_id_index" on "tasks" ("owner_id", "created_at", "id");`);
    this.addSql(`create index "tasks_owner_updated_at_id_index" on "tasks" ("owner_id", "updated_at", "id");`);
    this.addSql(`create index "tasks_owner_status_id_index" on "tasks" ("owner_id", "status", "id");`);
    this.addSql(`create index "tasks_owner_title_id_index" on "tasks" ("owner_id", "title", "id");`);
    this.addSql(
      `create index "tasks_owner_status_created_at_id_index" on "tasks" ("owner_id", "status", "created_at", "id");`,
    );
    this.addSql(`create index "tasks_created_at_id_index" on "tasks" ("created_at", "id");`);
    this.addSql(
      `alter table "tasks" add constraint "tasks_title_length_check" check (char_length(title) >= 1 and char_length(title) <= 200);`,
    );
    this.addSql(
      `alter table "tasks" add constraint "tasks_description_length_check" check (char_length(description) <= 10000);`,
    );

    this.addSql(
      `create table "sessions" ("id" uuid not null, "user_id" uuid not null, "refresh_token_id" uuid not null, "rotated_from" uuid null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`create index "sessions_user_id_index" on "sessions" ("user_id");`);
    this.addSql(
      `alter table "sessions" add constraint "sessions_refresh_token_id_unique" unique ("refresh_token_id");`,
    );

    this.addSql(
      `alter table "tasks" add constraint "tasks_owner_id_foreign" foreign key ("owner_id") references "users" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "sessions" add constraint "sessions_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`,
    );
  }
}
