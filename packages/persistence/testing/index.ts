import { createHash } from "node:crypto";
import { existsSync, openAsBlob } from "node:fs";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PgliteConnection } from "@mikro-orm/pglite";
import { type Availability, createTestDatabase, describeWith } from "@tasks/testing";
import { describe } from "vitest";
import { type Database, type DatabaseOptions, type Engine, openDatabaseWith, ormOf } from "../src/database.ts";
import { DataDirLock } from "../src/embedded/data-dir-lock.ts";
import { MIGRATIONS } from "../src/migrations/index.ts";

export interface TestDatabase {
  /** Migrated and empty. */
  readonly database: Database;
  /**
   * How another process reaches the same database: `url` for PostgreSQL; `dataDir` for
   * PGlite unless it is in memory (while `database` is open, a process opening that
   * `dataDir` joins it through its socket).
   */
  readonly options: DatabaseOptions;
  /** Closes the database and deletes it (the PostgreSQL database, or the PGlite directory). */
  close(): Promise<void>;
}

export interface TestDatabaseOptions {
  /**
   * PGlite only: keep the database in memory (the fastest) instead of in a temporary
   * DATA_DIR shared over its socket. No other process can reach it then.
   */
  readonly inMemory?: boolean;
}

/**
 * Registers `body` as one suite per engine, `<name> on PGlite` and `<name> on PostgreSQL`,
 * for behaviour that the engine can change. The PostgreSQL suite goes through
 * `describeWith(postgres)`: skipped, not left out, when there is no server locally.
 *
 * ```ts
 * describeOnEngines(await postgresAvailability(), "repositories", (engine) => { ... });
 * ```
 */
export function describeOnEngines(postgres: Availability, name: string, body: (engine: Engine) => void): void {
  describe(`${name} on PGlite`, () => body("pglite"));
  describeWith(postgres)(`${name} on PostgreSQL`, () => body("postgresql"));
}

/**
 * A fresh, migrated, empty database. PostgreSQL: a new database of its own on the test
 * server (see `@tasks/testing`). PGlite: started from a migrated snapshot made once per
 * process, which takes about a second instead of six.
 */
export async function openTestDatabase(engine: Engine, options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  if (engine === "postgresql") {
    const server = await createTestDatabase();
    try {
      const databaseOptions: DatabaseOptions = { url: server.url, poolSize: 5 };
      const database = await openDatabaseWith(databaseOptions, {});
      await database.migrate();
      return {
        database,
        options: databaseOptions,
        close: async () => {
          await database.close();
          await server.drop();
        },
      };
    } catch (error) {
      await server.drop();
      throw error;
    }
  }
  if (options.inMemory === true) {
    const database = await openDatabaseWith({}, { initialData: migratedSnapshot });
    return { database, options: {}, close: () => database.close() };
  }
  const dataDir = await mkdtemp(join(tmpdir(), "tasks-pglite-"));
  const databaseOptions: DatabaseOptions = { dataDir };
  try {
    const database = await openDatabaseWith(
      { ...databaseOptions, serveEmbedded: true },
      { initialData: migratedSnapshot },
    );
    return {
      database,
      options: databaseOptions,
      close: async () => {
        await database.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

let snapshot: Promise<Blob> | undefined;
// A fresh PGlite takes 5 to 30 seconds on a busy machine; waiting longer means its maker died.
const SNAPSHOT_WAIT_MS = 120_000;

/**
 * The data directory of a migrated, empty PGlite. Made once and kept in the system's
 * temporary directory under a name derived from the migrations' code and PGlite's
 * version, so that every test process after the first starts in about a second.
 */
function migratedSnapshot(): Promise<Blob> {
  snapshot ??= cachedSnapshot();
  return snapshot;
}

async function cachedSnapshot(): Promise<Blob> {
  const key = createHash("sha256")
    // The resolved path names PGlite's version (pnpm keeps one folder per version).
    .update(createRequire(import.meta.url).resolve("@electric-sql/pglite"))
    .update(MIGRATIONS.map((migration) => `${migration.name}\n${migration.class.toString()}`).join("\n"))
    .digest("hex")
    .slice(0, 16);
  const directory = join(tmpdir(), "tasks-pglite-snapshots");
  const path = join(directory, `${key}.tar`);
  await mkdir(directory, { recursive: true });
  const deadline = Date.now() + SNAPSHOT_WAIT_MS;
  // Test files start in parallel: one process makes the snapshot while the others wait for
  // it, instead of all of them starting a fresh PGlite at once on the same few cores.
  for (;;) {
    if (existsSync(path)) return openAsBlob(path);
    const attempt = DataDirLock.acquire(directory, null);
    if (attempt.acquired)
      try {
        if (existsSync(path)) return openAsBlob(path);
        const blob = await makeSnapshot();
        // Written aside then renamed: no process ever reads half a file.
        const partial = `${path}.${process.pid}.partial`;
        await writeFile(partial, Buffer.from(await blob.arrayBuffer()));
        await rename(partial, path);
        return blob;
      } finally {
        attempt.lock.release();
      }
    if (Date.now() > deadline) return makeSnapshot();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function makeSnapshot(): Promise<Blob> {
  const database = await openDatabaseWith({}, {});
  try {
    await database.migrate();
    const connection = ormOf(database).driver.getConnection() as PgliteConnection;
    const pglite = await connection.getNativeClient();
    return await pglite.dumpDataDir("none");
  } finally {
    await database.close();
  }
}
