import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { createTestDatabase, describeWith, postgresAvailability } from "../src/index.ts";

async function query(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

describeWith(await postgresAvailability())("createTestDatabase", () => {
  const dropped: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const drop of dropped) await drop();
  });

  it("gives a fresh, empty database that accepts writes", async () => {
    const database = await createTestDatabase();
    dropped.push(database.drop);
    const tables = await query(
      database.url,
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'",
    );
    expect(tables.rows[0].n).toBe(0);
    await query(database.url, "CREATE TABLE probe (id int PRIMARY KEY)");
    await query(database.url, "INSERT INTO probe VALUES (1)");
    expect((await query(database.url, "SELECT count(*)::int AS n FROM probe")).rows[0].n).toBe(1);
  });

  it("gives each call its own database", async () => {
    const first = await createTestDatabase();
    const second = await createTestDatabase();
    dropped.push(first.drop, second.drop);
    expect(first.url).not.toBe(second.url);
    await query(first.url, "CREATE TABLE only_in_first (id int)");
    const inSecond = await query(
      second.url,
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'only_in_first'",
    );
    expect(inSecond.rows[0].n).toBe(0);
  });

  it("drops the database even while a connection to it is open", async () => {
    const database = await createTestDatabase();
    const name = new URL(database.url).pathname.slice(1);
    const open = new pg.Client({ connectionString: database.url });
    open.on("error", () => {});
    await open.connect();
    await database.drop();
    await open.end().catch(() => {});
    const adminUrl = new URL(database.url);
    adminUrl.pathname = "/postgres";
    const left = await query(
      adminUrl.toString(),
      `SELECT count(*)::int AS n FROM pg_database WHERE datname = '${name}'`,
    );
    expect(left.rows[0].n).toBe(0);
  });
});
