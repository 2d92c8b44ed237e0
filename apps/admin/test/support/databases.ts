import type { Database, Engine } from "@tasks/persistence";
import { openTestDatabase } from "@tasks/persistence/testing";
import { postgresAvailability } from "@tasks/testing";
import type { Env } from "./taskctl.ts";

export interface TaskctlDatabase {
  readonly engine: Engine;
  /** What a taskctl child process needs in its environment to reach the database. */
  readonly env: Env;
  /** The same database, opened by the test itself, to check what a command did. */
  readonly database: Database;
  close(): Promise<void>;
}

/**
 * A fresh, migrated, empty database for one test file. On PGlite the test process holds
 * it and shares it through its socket in DATA_DIR, exactly as the API server does: the
 * children reach it as taskctl does while the server runs.
 */
export async function openTaskctlDatabase(engine: Engine): Promise<TaskctlDatabase> {
  const test = await openTestDatabase(engine);
  const { url, dataDir } = test.options;
  const env: Env = url !== undefined ? { DATABASE_URL: url } : { DATA_DIR: dataDir as string };
  return {
    engine,
    env,
    database: test.database,
    close: () => test.close(),
  };
}

/**
 * The engine for a suite that runs every case: PostgreSQL when there is one (required
 * under CI), else PGlite. The same commands run on PGlite through its socket in
 * embedded.test.ts and end-to-end.test.ts, and alone in migrate.test.ts.
 */
export async function bulkEngine(): Promise<Engine> {
  return (await postgresAvailability()).available ? "postgresql" : "pglite";
}
