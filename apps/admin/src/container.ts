import { type Database, openDatabase } from "@tasks/persistence";
import { type DatabaseConfig, SystemClock, UuidV7IdGenerator } from "@tasks/platform";
import { Argon2PasswordHasher } from "@tasks/security";
import { createUseCases, type UseCases } from "./use-cases.ts";

export interface Container {
  readonly useCases: UseCases;
  /** Migrating is the database's own job, not a use case. */
  readonly database: Pick<Database, "migrate" | "migrationStatus">;
  close(): Promise<void>;
}

/**
 * The composition root: configuration to adapters to use cases. On the embedded database
 * while the API server runs, `openDatabase` reaches the server's database through its
 * socket in DATA_DIR; taskctl never serves the database itself.
 */
export async function openContainer(config: DatabaseConfig): Promise<Container> {
  const database = await openDatabase({
    url: config.url,
    dataDir: config.dataDir,
    // Small: a command runs one operation at a time.
    poolSize: 2,
    connectTimeoutMs: config.connectTimeoutMs,
    statementTimeoutMs: config.statementTimeoutMs,
  });
  const useCases = createUseCases({
    users: database.users,
    tasks: database.tasks,
    sessions: database.sessions,
    unitOfWork: database.unitOfWork,
    clock: new SystemClock(),
    ids: new UuidV7IdGenerator(),
    hasher: new Argon2PasswordHasher(),
    // taskctl says what it did on its output; the API server is where security events are logged.
    events: { record: () => {} },
  });
  return { useCases, database, close: () => database.close() };
}
