import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import type { User } from "@tasks/domain";
import { aUser } from "@tasks/domain/testing";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { MAX_GUESTS } from "../src/embedded/embedded-server.ts";
import { type Database, openDatabase } from "../src/index.ts";
import { openTestDatabase, type TestDatabase } from "../testing/index.ts";
import { frontend, RawGuest, severity, sqlState } from "./raw-guest.ts";

/** A node-postgres client on the owner's socket, as any local program would connect. */
async function pgClient(dataDir: string): Promise<pg.Client> {
  const client = new pg.Client({ host: dataDir, user: "postgres", database: "postgres" });
  await client.connect();
  return client;
}

/** A user written by hand, its username (plain ASCII here) its own canonical key. */
const insertUser = (id: string, username: string) =>
  `insert into users (id, username, username_key, password_hash, date_joined) values ('${id}', '${username}', '${username}', 'x', now())`;

/** Runs `work` for rounds 0 to `count - 1`, one after another: a caller's bounded number of requests, not seconds. */
async function rounds(count: number, work: (round: number) => Promise<void>): Promise<void> {
  for (let round = 0; round < count; round++) await work(round);
}

describe("the embedded database shared by its owner with guests on its socket", () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function owner(): Promise<TestDatabase> {
    const test = await openTestDatabase("pglite");
    cleanups.push(() => test.close());
    return test;
  }

  async function guest(dataDir: string): Promise<Database> {
    // A guest connects by waiting for the session like any query; on a loaded machine that can take seconds.
    const database = await openDatabase({ dataDir, connectTimeoutMs: 60_000 });
    cleanups.push(() => database.close());
    return database;
  }

  // Hundreds of queries: a loaded machine needs more than the default timeout.
  it("answers every caller with its own rows while the owner and its guests query at once", {
    timeout: 120_000,
  }, async () => {
    const test = await owner();
    const dataDir = test.options.dataDir as string;
    const users = Array.from({ length: 12 }, () => aUser());
    for (const user of users) await test.database.users.add(user);
    const databases = [test.database, test.database, test.database, await guest(dataDir), await guest(dataDir)];
    const clients = [await pgClient(dataDir), await pgClient(dataDir), await pgClient(dataDir)];
    cleanups.push(() => Promise.all(clients.map((client) => client.end())));

    const ROUNDS = 80;
    const wrong: string[] = [];
    let answers = 0;
    const check = (caller: string, expected: string, got: unknown) => {
      answers += 1;
      if (got !== expected) wrong.push(`${caller} asked for ${expected}, got ${String(got)}`);
    };
    await Promise.all([
      ...databases.map((database, caller) =>
        rounds(ROUNDS, async (round) => {
          const user = users[(caller * 7 + round) % users.length] as User;
          // Every third look-up inside a transaction, as a login or a refresh runs.
          const lookUp = () => database.users.findById(user.id);
          const found = await (round % 3 === 0 ? database.unitOfWork.transaction(lookUp) : lookUp()).catch(
            (error: Error) => error.message,
          );
          check(`database ${caller}`, user.username, typeof found === "string" ? found : found?.username);
        }),
      ),
      ...clients.map((client, caller) =>
        rounds(ROUNDS, async (round) => {
          const expected = `client ${caller} round ${round}`;
          const result = await client
            .query<{ echo: string }>("select $1::text as echo", [expected])
            .then(({ rows }) => rows[0]?.echo)
            .catch((error: Error) => error.message);
          check(`client ${caller}`, expected, result);
        }),
      ),
    ]);
    expect({ answers, wrong: wrong.length, examples: wrong.slice(0, 3) }).toEqual({
      answers: (databases.length + clients.length) * ROUNDS,
      wrong: 0,
      examples: [],
    });
  });

  it("keeps each transaction's writes to itself when the owner and guests commit and roll back at once", {
    timeout: 120_000,
  }, async () => {
    const test = await owner();
    const dataDir = test.options.dataDir as string;
    const participants = [test.database, test.database, await guest(dataDir), await guest(dataDir)];
    const committed: string[] = [];
    const problems: string[] = [];
    await Promise.all(
      participants.map((database, who) =>
        rounds(15, async (round) => {
          const user = aUser();
          const keep = (who + round) % 2 === 0;
          const outcome = await database.unitOfWork
            .transaction(async () => {
              await database.users.add(user);
              // Inside its transaction a participant sees its own write.
              if ((await database.users.findById(user.id))?.username !== user.username)
                problems.push(`participant ${who} did not see its own write`);
              if (!keep) throw new Error("roll back");
            })
            .then(
              () => "committed",
              (error: Error) => error.message,
            );
          if (outcome === "committed") committed.push(user.id);
          else if (outcome !== "roll back") problems.push(`participant ${who}: ${outcome}`);
        }),
      ),
    );
    expect(problems).toEqual([]);
    expect((await test.database.users.list({ page: 1, pageSize: 1_000 })).items.map((user) => user.id).sort()).toEqual(
      committed.sort(),
    );
  });

  it("makes the owner wait while a guest's transaction is open, so it never sees half of it", async () => {
    const test = await owner();
    const raw = await RawGuest.connect(test.options.dataDir as string);
    cleanups.push(async () => raw.destroy());
    expect(await raw.query("begin")).toEqual({ status: "T", errors: [] });
    expect(await raw.query(insertUser(randomUUID(), "first"))).toEqual({ status: "T", errors: [] });
    const counted = test.database.users.count();
    expect(await raw.query(insertUser(randomUUID(), "second"))).toEqual({ status: "T", errors: [] });
    expect(await raw.query("commit")).toEqual({ status: "I", errors: [] });
    expect(await counted).toBe(2);
  });

  it("rolls back what a guest leaves unfinished when it disconnects mid-transaction or mid-cycle, and serves the next caller", async () => {
    const test = await owner();
    const dataDir = test.options.dataDir as string;
    const [inTransaction, parsedOnly, executedNotSynced] = [randomUUID(), randomUUID(), randomUUID()];

    // An explicit transaction with a write, then a statement parsed but never synced.
    const first = await RawGuest.connect(dataDir);
    await first.query("begin");
    await first.query(insertUser(inTransaction, "in-transaction"));
    first.send(frontend.parse(insertUser(parsedOnly, "parsed-only")));
    expect((await first.next()).type).toBe("1");
    first.destroy();

    // No transaction: a write parsed, bound and executed, then the connection drops before Sync.
    // PostgreSQL aborts such an implicit transaction when its client goes away.
    const second = await RawGuest.connect(dataDir);
    second.send(frontend.parse(insertUser(executedNotSynced, "executed")), frontend.bind(), frontend.execute());
    expect((await second.next()).type).toBe("1");
    expect((await second.next()).type).toBe("2");
    expect((await second.next()).type).toBe("C");
    second.destroy();

    const user = aUser();
    await test.database.users.add(user);
    expect((await test.database.users.list({ page: 1, pageSize: 1_000 })).items.map((found) => found.id)).toEqual([
      user.id,
    ]);
    const after = await guest(dataDir);
    expect(await after.users.findById(user.id)).toEqual(user);
    expect(await after.users.count()).toBe(1);
  });

  it("answers a failing statement and the next one queued behind it each with its own result", async () => {
    const test = await owner();
    const client = await pgClient(test.options.dataDir as string);
    cleanups.push(() => client.end());
    for (let round = 0; round < 5; round++) {
      const [failed, next] = await Promise.all([
        // With a parameter, so through the extended protocol: Parse fails, and the Sync ends the cycle.
        client.query("selec $1::int", [round]).catch((error: { code?: string }) => error.code),
        client.query<{ n: number }>("select $1::int as n", [round]).then(({ rows }) => rows),
      ]);
      expect({ failed, next }).toEqual({ failed: "42601", next: [{ n: round }] });
    }
  });

  it("answers SSL and GSSAPI encryption requests with 'N', drops a cancel request, and accepts the start-up after", async () => {
    const test = await owner();
    const dataDir = test.options.dataDir as string;
    const raw = await RawGuest.open(dataDir);
    cleanups.push(async () => raw.destroy());
    raw.send(frontend.sslRequest());
    expect((await raw.bytes(1)).toString()).toBe("N");
    raw.send(frontend.gssencRequest());
    expect((await raw.bytes(1)).toString()).toBe("N");
    raw.send(frontend.startup());
    const started = await raw.untilReady();
    expect(started[0]?.type).toBe("R");
    expect(await raw.query("select 1")).toEqual({ status: "I", errors: [] });

    const cancelling = await RawGuest.open(dataDir);
    cancelling.send(frontend.cancelRequest());
    expect(await cancelling.rest()).toEqual([]);
  });

  it("refuses a guest beyond the limit with PostgreSQL's too-many-connections error, and takes one again once a guest leaves", async () => {
    const test = await owner();
    const dataDir = test.options.dataDir as string;
    const clients = await Promise.all(Array.from({ length: MAX_GUESTS }, () => pgClient(dataDir)));
    cleanups.push(() => Promise.all(clients.map((client) => client.end())));
    const refused = await pgClient(dataDir).then(
      (client) => client.end().then(() => "connected"),
      (error: { code?: string }) => error.code,
    );
    expect(refused).toBe("53300");
    await clients.pop()?.end();
    const admitted = await pgClient(dataDir);
    clients.push(admitted);
    expect((await admitted.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
  });

  it("cuts off a guest that holds the session without sending anything, rolls back its transaction, and lets the owner go on", async () => {
    const prepared = await openTestDatabase("pglite");
    const dataDir = prepared.options.dataDir as string;
    await prepared.database.close();
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const database = await openDatabase({ dataDir, serveEmbedded: true, statementTimeoutMs: 300 });
    cleanups.push(() => database.close());

    const raw = await RawGuest.connect(dataDir);
    await raw.query("begin");
    await raw.query(insertUser(randomUUID(), "silent"));
    // The owner needs the session the silent guest holds: it gets it once the guest is cut off.
    expect(await database.users.count()).toBe(0);
    const last = await raw.rest();
    expect(last.map((message) => [message.type, severity(message), sqlState(message)])).toEqual([
      ["E", "FATAL", "25P03"],
    ]);
    await raw.closed;
  });
});
