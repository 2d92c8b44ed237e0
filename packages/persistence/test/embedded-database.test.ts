import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ServiceUnavailable, type User } from "@tasks/domain";
import { aUser } from "@tasks/domain/testing";
import { afterEach, describe, expect, it } from "vitest";
import { LOCK_FILE } from "../src/embedded/data-dir-lock.ts";
import { DatabaseInUse, openDatabase } from "../src/index.ts";
import { openTestDatabase, type TestDatabase } from "../testing/index.ts";
import { Child } from "./child-process.ts";

/** A DATA_DIR holding a migrated embedded database, closed again: what a restarted program finds. */
async function preparedDataDir(): Promise<string> {
  const prepared = await openTestDatabase("pglite");
  const dataDir = prepared.options.dataDir as string;
  await prepared.database.close();
  return dataDir;
}

// Each test starts processes of its own, which take many seconds each on a loaded machine.
describe("the embedded database in DATA_DIR", { timeout: 120_000 }, () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("refuses a second process while another holds it, naming the holder, and opens once the holder is gone", async () => {
    const dataDir = await preparedDataDir();
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const holder = new Child(["hold", dataDir]);
    cleanups.push(async () => {
      holder.process.kill("SIGKILL");
      await holder.exited;
    });
    expect(await holder.waitForLines(1)).toEqual(["ready"]);

    const refusal = await openDatabase({ dataDir }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(DatabaseInUse);
    expect((refusal as DatabaseInUse).pid).toBe(holder.process.pid);
    expect((refusal as DatabaseInUse).message).toContain(`process ${holder.process.pid}`);
    expect((refusal as DatabaseInUse).message).toMatch(/DATABASE_URL/);

    // A holder killed outright leaves its lock file behind; the lock is stale once its pid is gone.
    holder.process.kill("SIGKILL");
    await holder.exited;
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(true);
    const reopened = await openDatabase({ dataDir });
    cleanups.push(() => reopened.close());
    expect(await reopened.users.count()).toBe(0);
  });

  it("refuses a second opening in the same process too when it is not shared", async () => {
    const dataDir = await preparedDataDir();
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const first = await openDatabase({ dataDir });
    cleanups.push(() => first.close());
    await expect(openDatabase({ dataDir })).rejects.toMatchObject({ name: "DatabaseInUse", pid: process.pid });
  });

  it("takes over a lock file whose process is dead or whose content is cut short", async () => {
    const dataDir = await preparedDataDir();
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    await writeFile(join(dataDir, LOCK_FILE), "");
    const database = await openDatabase({ dataDir });
    await database.close();
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
  });

  it("takes over a lock naming this process's pid that this process does not hold (a restarted container's pid 1)", async () => {
    const dataDir = await preparedDataDir();
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const left = { pid: process.pid, command: "the process this one replaces", socketDir: null };
    await writeFile(join(dataDir, LOCK_FILE), JSON.stringify(left));
    const database = await openDatabase({ dataDir });
    cleanups.push(() => database.close());
    expect(await database.users.count()).toBe(0);
    await expect(openDatabase({ dataDir })).rejects.toMatchObject({ name: "DatabaseInUse", pid: process.pid });
  });

  describe("shared by a server over its socket", () => {
    let server: TestDatabase;
    afterEach(async () => {
      await server?.close();
    });

    it("lets another process read and write through the server while it runs", async () => {
      server = await openTestDatabase("pglite");
      const dataDir = server.options.dataDir as string;
      await server.database.users.add(aUser());

      const counted = await Child.run(["count", dataDir]);
      expect(counted).toEqual({ lines: ["1"], code: 0 });

      const username = `guest-${randomUUID().slice(0, 8)}`;
      const added = await Child.run(["add-user", dataDir, username]);
      expect(added.code).toBe(0);
      const found = await server.database.users.findByUsername(username);
      expect(found?.id).toBe(added.lines[0]);
    });

    // Five owners and five guest processes: on a loaded machine that took 40 to 50 s, before and after issue 9.
    it("closes cleanly right after a guest process exits without closing its connection", {
      timeout: 120_000,
    }, async () => {
      const unhandled: unknown[] = [];
      const record = (reason: unknown) => unhandled.push(reason);
      process.on("unhandledRejection", record);
      try {
        for (let round = 0; round < 5; round += 1) {
          const owner = await openTestDatabase("pglite");
          const guest = new Child(["count-and-exit", owner.options.dataDir as string]);
          expect(await guest.waitForLines(1)).toEqual(["0"]);
          // On its exit, not once its pipes close: the owner closes as the guest's socket goes.
          if (guest.process.exitCode === null) await once(guest.process, "exit");
          await owner.close();
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      } finally {
        process.off("unhandledRejection", record);
      }
      expect(unhandled).toEqual([]);
    });

    it("keeps a guest's transaction apart from the server's own work", async () => {
      server = await openTestDatabase("pglite");
      const dataDir = server.options.dataDir as string;
      const guest = await openDatabase({ dataDir });
      cleanups.push(() => guest.close());
      expect(guest.engine).toBe("pglite");
      // taskctl migrate, run beside the server.
      expect(await guest.migrate()).toEqual({ applied: [] });
      expect((await guest.migrationStatus()).pending).toEqual([]);

      const serverUser = aUser();
      const guestUser = aUser();
      // The guest's transaction is open and then rolled back while the server writes: the
      // server's write must survive, and the guest's must not.
      let guestAdded = () => {};
      const added = new Promise<void>((resolve) => {
        guestAdded = resolve;
      });
      const guestWork = guest.unitOfWork
        .transaction(async () => {
          await guest.users.add(guestUser);
          guestAdded();
          // Time for the server's write to reach the socket and queue behind this transaction.
          await new Promise((resolve) => setTimeout(resolve, 200));
          throw new Error("roll back");
        })
        .catch((error: Error) => error.message);
      await added;
      await server.database.users.add(serverUser);
      expect(await guestWork).toBe("roll back");
      expect(await server.database.users.findById(serverUser.id)).toEqual(serverUser);
      expect(await server.database.users.findById(guestUser.id)).toBeNull();
    });
  });

  it("reports a server that stopped sharing as ServiceUnavailable to its guests", async () => {
    const server = await openTestDatabase("pglite");
    const guest = await openDatabase({ dataDir: server.options.dataDir as string });
    cleanups.push(() => guest.close());
    expect(await guest.users.count()).toBe(0);
    await server.close();
    await expect(guest.users.count()).rejects.toBeInstanceOf(ServiceUnavailable);
  });

  it("keeps every acknowledged write when its process is killed right after", async () => {
    const dataDir = await preparedDataDir();
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const writer = new Child(["write", dataDir]);
    cleanups.push(async () => {
      writer.process.kill("SIGKILL");
      await writer.exited;
    });
    await writer.waitForLines(25);
    writer.process.kill("SIGKILL");
    await writer.exited;
    const acknowledged = [...writer.lines];
    expect(acknowledged.length).toBeGreaterThanOrEqual(25);

    const reopened = await openDatabase({ dataDir });
    cleanups.push(() => reopened.close());
    const stored = new Set(
      (await reopened.users.list({ page: 1, pageSize: 1_000 })).items.map((user: User) => user.id),
    );
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
  });
});
