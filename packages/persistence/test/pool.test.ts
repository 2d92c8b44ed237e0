import { setTimeout as sleep } from "node:timers/promises";
import { describeWith, postgresAvailability } from "@tasks/testing";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDatabase } from "../src/index.ts";
import { openTestDatabase, type TestDatabase } from "../testing/index.ts";

// node-postgres closes a connection idle this long, unless the pool would fall below its minimum.
const PG_POOL_IDLE_TIMEOUT_MS = 10_000;
const PROBE = "pool.test probe";
const POLL_MS = 20;

describeWith(await postgresAvailability())("the PostgreSQL connection pool", () => {
  let test: TestDatabase;
  let url: string;
  beforeAll(async () => {
    test = await openTestDatabase("postgresql");
    await test.database.close();
    url = test.options.url as string;
    await closedOnTheServer();
  });
  afterAll(async () => {
    await test.close();
  });

  /**
   * Connections to the test database, leaving out those that ask: a backend lives on for a
   * moment after its client has gone, and an earlier question's must not count.
   */
  async function connections(): Promise<number> {
    const client = new pg.Client({ connectionString: url, application_name: PROBE });
    await client.connect();
    try {
      const { rows } = await client.query<{ count: string }>(
        "select count(*) from pg_stat_activity where datname = current_database() and application_name <> $1",
        [PROBE],
      );
      return Number(rows[0]?.count);
    } finally {
      await client.end();
    }
  }

  /** Waits until the server has ended every connection: it does so a moment after `close()` has returned. */
  async function closedOnTheServer(): Promise<void> {
    while ((await connections()) > 0) await sleep(POLL_MS);
  }

  it(
    "opens every connection before openDatabase returns when asked to fill it, and keeps them while idle",
    async () => {
      const database = await openDatabase({ url, poolSize: 3, fillPool: true });
      try {
        expect(await connections()).toBe(3);
        await sleep(PG_POOL_IDLE_TIMEOUT_MS + 1_000);
        expect(await connections()).toBe(3);
        expect(await database.users.count()).toBe(0);
      } finally {
        await database.close();
      }
      await closedOnTheServer();
    },
    PG_POOL_IDLE_TIMEOUT_MS * 3,
  );

  it("otherwise opens a connection only when a query needs one", async () => {
    const database = await openDatabase({ url, poolSize: 3 });
    try {
      expect(await connections()).toBe(0);
      await database.users.count();
      expect(await connections()).toBe(1);
    } finally {
      await database.close();
    }
    await closedOnTheServer();
  });
});
