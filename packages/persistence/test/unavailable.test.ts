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

/** How long `work` took to fail, and with what. */
async function failure(work: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  try {
    await work();
  } catch (error) {
    return { error, ms: Date.now() - started };
  }
  throw new Error("expected a failure");
}

describe("a PostgreSQL server that cannot serve", () => {
  it("reports a refused connection as ServiceUnavailable at once", async () => {
    const closed = createServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const db = await openDatabase({ url: `postgres://postgres@127.0.0.1:${port}/tasks`, connectTimeoutMs: 1_000 });
    try {
      const found = await failure(() => db.users.findById(randomUUID()));
      expect(found.error).toBeInstanceOf(ServiceUnavailable);
      expect(found.ms).toBeLessThan(1_000);
      await expect(db.ping(1_000)).rejects.toBeInstanceOf(ServiceUnavailable);
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
      expect(found.error).toBeInstanceOf(ServiceUnavailable);
      expect(found.ms).toBeGreaterThanOrEqual(250);
      expect(found.ms).toBeLessThan(3_000);
    });

    it("fails a readiness ping within its own timeout", async () => {
      const pinged = await failure(() => db.ping(150));
      expect(pinged.error).toBeInstanceOf(ServiceUnavailable);
      expect(pinged.ms).toBeLessThan(1_000);
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
      const blocked = await failure(() => db.tasks.update(task.update({ title: "blocked" }, new Date())));
      expect(blocked.error).toBeInstanceOf(ServiceUnavailable);
      expect(blocked.ms).toBeLessThan(3_000);
    } finally {
      await blocker.query("rollback");
      await blocker.end();
    }
    expect((await db.tasks.findById(task.id))?.title).toBe(task.title);
  });

  it("stops waiting for a pooled connection after the connect timeout, with ServiceUnavailable", async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The pool's only connection stays busy in this transaction until released.
    const holding = db.unitOfWork.transaction(async () => {
      await db.users.count();
      await held;
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const waited = await failure(() => db.users.count());
      expect(waited.error).toBeInstanceOf(ServiceUnavailable);
      expect(waited.ms).toBeLessThan(3_000);
    } finally {
      release();
      await holding;
    }
    expect(await db.users.count()).toBeGreaterThan(0);
  });
});
