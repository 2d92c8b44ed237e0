import { Migration } from "@mikro-orm/migrations";

/**
 * Logins of both kinds (token and cookie), with what the sessions API lists and what the
 * identical-pair rule needs. The logins already there are token logins: they keep working,
 * with their last use at their start and their end LOGIN_MAX_AGE's default (30 days) after
 * it; their token version stays unknown (null), so their tokens' own claim is checked
 * until their next refresh records it.
 */
export class Migration20261127110457_logins extends Migration {
  override name = "Migration20261127110457_logins";

  override up(): void | Promise<void> {
    this.addSql(
      `alter table "sessions" add "kind" text null, add "access_token_id" uuid null, add "issued_at" timestamptz null, add "key_hash" text null, add "token_version" int null, add "last_used_at" timestamptz null, add "ends_at" timestamptz null, add "ip_address" text null, add "user_agent" text null, add "revocation_reason" text null;`,
    );
    this.addSql(
      `update "sessions" set "kind" = 'token', "last_used_at" = "created_at", "ends_at" = "created_at" + interval '30 days';`,
    );
    this.addSql(
      `alter table "sessions" alter column "kind" set not null, alter column "last_used_at" set not null, alter column "ends_at" set not null;`,
    );
    this.addSql(`alter table "sessions" alter column "refresh_token_id" drop not null;`);
    this.addSql(`alter table "sessions" add constraint "sessions_key_hash_unique" unique ("key_hash");`);
    this.addSql(`alter table "sessions" add constraint "sessions_kind_check" check (kind in ('token', 'cookie'));`);
    this.addSql(
      `alter table "sessions" add constraint "sessions_revocation_reason_check" check (revocation_reason is null or revocation_reason in ('logout', 'user', 'password_change', 'deactivation', 'admin', 'refresh_reuse'));`,
    );
    this.addSql(
      `alter table "sessions" add constraint "sessions_user_agent_length_check" check (char_length(user_agent) <= 512);`,
    );
    this.addSql(
      `alter table "sessions" add constraint "sessions_ip_address_length_check" check (char_length(ip_address) <= 64);`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`delete from "sessions" where "kind" = 'cookie';`);
    this.addSql(`alter table "sessions" drop constraint "sessions_ip_address_length_check";`);
    this.addSql(`alter table "sessions" drop constraint "sessions_user_agent_length_check";`);
    this.addSql(`alter table "sessions" drop constraint "sessions_revocation_reason_check";`);
    this.addSql(`alter table "sessions" drop constraint "sessions_kind_check";`);
    this.addSql(`alter table "sessions" drop constraint "sessions_key_hash_unique";`);
    this.addSql(
      `alter table "sessions" drop column "kind", drop column "access_token_id", drop column "issued_at", drop column "key_hash", drop column "token_version", drop column "last_used_at", drop column "ends_at", drop column "ip_address", drop column "user_agent", drop column "revocation_reason";`,
    );
    this.addSql(`alter table "sessions" alter column "refresh_token_id" set not null;`);
  }
}
