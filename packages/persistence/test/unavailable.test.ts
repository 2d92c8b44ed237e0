import { randomUUID } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { ServiceUnavailable } from "@tasks/domain";
import { aTask, aUser } from "@tasks/domain/testing";
import { describeWith, postgresAvailability } from "@tasks/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../src/index.ts";
import { openTestDatabase, type TestDatabase } from "../testing/index.ts";

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/**
 * Longer than the test timeout (30 s): a database opened with it could only fail a test
 * in time through some other, shorter limit, which is what such a test proves.
 */
const PAST_THE_TEST_TIMEOUT_MS = 120_000;

// What node-postgres says when a connection, or a free one in the pool, does not come in time.
const CONNECT_TIMEOUT = /timeout exceeded when trying to connect|connection timeout/i;

/** What `work` failed with. */
async function failure(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

describe("a PostgreSQL server that cannot serve", () => {
  it("reports a refused connection as ServiceUnavailable at once, without waiting for the connect timeout", async () => {
    const closed = createServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const db = await openDatabase({
      url: `postgres://postgres@127.0.0.1:${port}/tasks`,
      connectTimeoutMs: PAST_THE_TEST_TIMEOUT_MS,
    });
    try {
      const found = await failure(() => db.users.findById(randomUUID()));
      expect(found).toBeInstanceOf(ServiceUnavailable);
      expect(found).toMatchObject({ reason: expect.stringContaining("ECONNREFUSED") });
      await expect(db.ping(PAST_THE_TEST_TIMEOUT_MS)).rejects.toBeInstanceOf(ServiceUnavailable);
      await expect(db.unitOfWork.transaction(async () => db.users.count())).rejects.toBeInstanceOf(ServiceUnavailable);
    } finally {
      await db.close();
    }
  });

  describe("that accepts connections and never answers", () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    let db: Database;
    beforeAll(async () => {
      const port = await listen(silent);
      db = await openDatabase({ url: `postgres://postgres@127.0.0.1:${port}/tasks`, connectTimeoutMs: 300 });
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await db.close();
      await new Promise((resolve) => silent.close(resolve));
    });

    it("gives up after the connect timeout with ServiceUnavailable, never hanging", async () => {
      const found = await failure(() =>
        db.tasks.listForOwner(randomUUID(), {
          page: 1,
          pageSize: 20,
          ordering: [{ field: "created_at", direction: "desc" }],
          statuses: [],
        }),
      );
      expect(found).toBeInstanceOf(ServiceUnavailable);
      expect(found).toMatchObject({ reason: expect.stringMatching(CONNECT_TIMEOUT) });
    });

    it("fails a readiness ping within its own timeout, shorter than the connect timeout", async () => {
      const pinged = await failure(() => db.ping(150));
      expect(pinged).toBeInstanceOf(ServiceUnavailable);
      expect(pinged).toMatchObject({ reason: "the database did not answer within 150 ms" });
    });
  });
});

describeWith(await postgresAvailability())("a PostgreSQL server too busy to answer in time", () => {
  let test: TestDatabase;
  let db: Database;
  beforeAll(async () => {
    test = await openTestDatabase("postgresql");
    await test.database.close();
    db = await openDatabase({ url: test.options.url, poolSize: 1, connectTimeoutMs: 300, statementTimeoutMs: 300 });
  });
  afterAll(async () => {
    await db.close();
    await test.close();
  });

  it("stops a statement that waits past the statement timeout, with ServiceUnavailable", async () => {
    const owner = aUser();
    const task = aTask({ ownerId: owner.id });
    await db.users.add(owner);
    await db.tasks.add(task);
    const blocker = new pg.Client({ connectionString: test.options.url });
    await blocker.connect();
    try {
      await blocker.query("begin");
      await blocker.query("select * from tasks where id = $1 for update", [task.id]);
      const blocked = await failure(() => db.tasks.update(task.id, { title: "blocked" }, new Date()));
      expect(blocked).toBeInstanceOf(ServiceUnavailable);
      expect(blocked).toMatchObject({ reason: expect.stringContaining("statement timeout") });
    } finally {
      await blocker.query("rollback");
      await blocker.end();
    }
    expect((await db.tasks.findById(task.id))?.title).toBe(task.title);
  });

  it("answers a transaction that PostgreSQL aborts to break a deadlock with ServiceUnavailable, writing nothing", async () => {
    // Without the statement timeout, which would end the wait before the deadlock check.
    const patient = await openDatabase({ url: test.options.url, poolSize: 1, connectTimeoutMs: 300 });
    const owner = aUser();
    const [first, second] = [aTask({ ownerId: owner.id }), aTask({ ownerId: owner.id })];
    await patient.users.add(owner);
    await patient.tasks.add(first);
    await patient.tasks.add(second);
    const other = new pg.Client({ connectionString: test.options.url });
    await other.connect();
    try {
      await other.query("begin");
      // The other transaction never runs the deadlock check first, so the one aborted is ours.
      await other.query("set local deadlock_timeout = '20s'");
      await other.query("update tasks set title = 'other' where id = $1", [first.id]);
      let secondLocked = () => {};
      const locked = new Promise<void>((resolve) => {
        secondLocked = resolve;
      });
      const ours = failure(() =>
        patient.unitOfWork.transaction(async () => {
          await patient.tasks.update(second.id, { title: "ours" }, new Date());
          secondLocked();
          await patient.tasks.update(first.id, { title: "ours" }, new Date());
        }),
      );
      await locked;
      const theirs = other.query("update tasks set title = 'other' where id = $1", [second.id]);
      const aborted = await ours;
      expect(aborted).toBeInstanceOf(ServiceUnavailable);
      expect(aborted).toMatchObject({ reason: expect.stringContaining("deadlock") });
      await theirs;
      await other.query("rollback");
      expect((await patient.tasks.findById(first.id))?.title).toBe(first.title);
      expect((await patient.tasks.findById(second.id))?.title).toBe(second.title);
    } finally {
      await other.end();
      await patient.close();
    }
  });

  it("stops waiting for a pooled connection after the connect timeout, with ServiceUnavailable", async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let connectionTaken = () => {};
    const taken = new Promise<void>((resolve) => {
      connectionTaken = resolve;
    });
    // The pool's only connection stays busy in this transaction until released.
    const holding = db.unitOfWork.transaction(async () => {
      await db.users.count();
      connectionTaken();
      await held;
    });
    try {
      await taken;
      const waited = await failure(() => db.users.count());
      expect(waited).toBeInstanceOf(ServiceUnavailable);
      expect(waited).toMatchObject({ reason: expect.stringMatching(CONNECT_TIMEOUT) });
    } finally {
      release();
      await holding;
    }
    expect(await db.users.count()).toBeGreaterThan(0);
  });
});
