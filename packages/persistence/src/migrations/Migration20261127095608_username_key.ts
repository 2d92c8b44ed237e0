import { Migration } from "@mikro-orm/migrations";
import { canonicalUsername } from "@tasks/domain";

/**
 * Usernames get their canonical key in a column of its own, uniquely indexed, replacing
 * the unique index on `lower(username)`: the key is the domain's `canonicalUsername`,
 * which SQL's `lower()` cannot reproduce (it folds by the database's collation), so the
 * existing rows are keyed here in TypeScript. Two users whose names now fold to one key
 * ("Straße" and "STRASSE") stop the migration with their names, before anything changes.
 */
export class Migration20261127095608_username_key extends Migration {
  override name = "Migration20261127095608_username_key";

  override async up(): Promise<void> {
    const users = (await this.execute(`select "id", "username" from "users" order by "date_joined", "id";`)) as {
      id: string;
      username: string;
    }[];
    const byKey = new Map<string, string[]>();
    for (const user of users) {
      const key = canonicalUsername(user.username);
      byKey.set(key, [...(byKey.get(key) ?? []), user.username]);
    }
    const clashes = [...byKey.values()].filter((usernames) => usernames.length > 1);
    if (clashes.length > 0)
      throw new Error(
        `These usernames are one username once case is folded: ${clashes.map((names) => names.join(" and ")).join("; ")}. ` +
          "Delete or rename one user of each group, then migrate again.",
      );

    await this.execute(`alter table "users" add "username_key" text null;`);
    for (const user of users)
      await this.execute(`update "users" set "username_key" = ? where "id" = ?;`, [
        canonicalUsername(user.username),
        user.id,
      ]);
    await this.execute(`alter table "users" alter column "username_key" set not null;`);
    await this.execute(`alter table "users" add constraint "users_username_key_unique" unique ("username_key");`);
    await this.execute(`drop index "users_username_lower_unique";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "users" drop constraint "users_username_key_unique";`);
    this.addSql(`alter table "users" drop column "username_key";`);
    this.addSql(`create unique index "users_username_lower_unique" on "users" (lower("username"));`);
  }
}
