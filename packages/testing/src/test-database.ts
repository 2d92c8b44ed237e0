import { randomBytes } from "node:crypto";
import pg from "pg";
import { findPostgresServer } from "./postgres-server.ts";

export interface TestDatabase {
  /** A `postgres://` URL of a fresh, empty database that belongs to one test file. */
  readonly url: string;
  /** Drops the database, closing any connection still open to it. */
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /**
   * The ICU locale of the database's default collation (`"en-US"`), for a test that the
   * queries do not depend on it; the server's default otherwise.
   */
  readonly icuLocale?: string;
}

/**
 * A fresh, empty PostgreSQL database on the server `findPostgresServer` finds, with a
 * unique name so that test files can run in parallel. Throws a clear error when there is
 * no server.
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const lookup = await findPostgresServer();
  if (!lookup.found) throw new Error(lookup.reason);
  const adminUrl = lookup.server.adminUrl;
  const name = `test_${process.pid}_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const locale =
    options.icuLocale === undefined
      ? ""
      : ` TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE '${options.icuLocale}' LOCALE 'C'`;
  await runAdmin(adminUrl, `CREATE DATABASE "${name}"${locale}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => runAdmin(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

async function runAdmin(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on("error", () => {});
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
