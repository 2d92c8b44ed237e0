import { join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import {
  type HistoryRepository,
  ServiceUnavailable,
  type SessionRepository,
  type TaskRepository,
  type UnitOfWork,
  type UserRepository,
} from "@tasks/domain";
import { ensurePrivateDirectory } from "@tasks/platform";
import { sql } from "kysely";
import type { Pool } from "pg";
import { DataDirLock } from "./embedded/data-dir-lock.ts";
import { serveOverSocket, socketPath } from "./embedded/embedded-server.ts";
import { DatabaseInUse, toDomainError, translateErrors } from "./errors.ts";
import { createOrm, type Orm, type OrmTarget, poolQuery } from "./orm.ts";
import type { RecordsDatabase } from "./records/index.ts";
import type { PoolQuery } from "./repositories/compiled-queries.ts";
import { KyselyHistoryRepository } from "./repositories/kysely-history.repository.ts";
import { KyselySessionRepository } from "./repositories/kysely-session.repository.ts";
import { KyselyTaskRepository } from "./repositories/kysely-task.repository.ts";
import { KyselyUserRepository } from "./repositories/kysely-user.repository.ts";
import { MikroOrmUnitOfWork } from "./repositories/mikro-orm-unit-of-work.ts";

export interface DatabaseOptions {
  /** DATABASE_URL: `postgres://...`; unset gives the embedded PostgreSQL (PGlite). */
  url?: string;
  /** DATA_DIR, where the embedded database lives; unset gives an in-memory one. */
  dataDir?: string;
  /**
   * PostgreSQL pool size (default 10). The pool is fixed-size: a connection, once open, is
   * kept until close(), never dropped for being idle, since opening one costs a round of
   * authentication and backend start-up (about 20 ms here). The embedded database has no
   * pool: its owner uses it in process, and a guest needs one connection.
   */
  poolSize?: number;
  /**
   * PostgreSQL: open every pooled connection before returning, so the first requests do
   * not each pay for connecting. The API server sets it; a command that needs one
   * connection does not.
   */
  fillPool?: boolean;
  /** Opening a connection or waiting for a free one in the pool (default 5000). */
  connectTimeoutMs?: number;
  /**
   * Longest a statement may run on PostgreSQL (default 10000). On the embedded database it
   * bounds how long a guest may hold the session without sending anything: everybody else
   * waits meanwhile, so it is cut off then, as a statement would be stopped.
   */
  statementTimeoutMs?: number;
  /**
   * Share the embedded database with other local processes (taskctl) while this one runs
   * it, through a unix socket in DATA_DIR. The API server sets it.
   */
  serveEmbedded?: boolean;
}

export type Engine = "postgresql" | "pglite";

export interface Database {
  readonly engine: Engine;
  readonly users: UserRepository;
  readonly tasks: TaskRepository;
  readonly sessions: SessionRepository;
  /** The web admin's history of changes. */
  readonly history: HistoryRepository;
  readonly unitOfWork: UnitOfWork;
  /** Applies pending migrations; applying none is fine. */
  migrate(): Promise<{ applied: string[] }>;
  migrationStatus(): Promise<{ applied: string[]; pending: string[] }>;
  /** `SELECT 1` within `timeoutMs`, else throws `ServiceUnavailable`. */
  ping(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_POOL_SIZE = 10;
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_STATEMENT_TIMEOUT_MS = 10_000;
/** The embedded database's files, inside DATA_DIR (which holds other things too). */
export const PGLITE_DIRECTORY = "pglite";
// A unix socket path longer than this does not fit in sockaddr_un on Linux and macOS.
const MAX_SOCKET_PATH = 103;
// Serialises concurrent `migrate()` calls on one PostgreSQL database (the API and taskctl may start together).
const MIGRATION_LOCK_KEY = 7_310_024;

/** Only for test support: a migrated data directory to start an embedded database from. */
export interface OpenInternals {
  readonly initialData?: () => Promise<Blob>;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return openDatabaseWith(options, {});
}

export async function openDatabaseWith(options: DatabaseOptions, internals: OpenInternals): Promise<Database> {
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const statementTimeoutMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  if (options.url !== undefined) {
    const poolSize = options.poolSize ?? DEFAULT_POOL_SIZE;
    let pool: Pool | undefined;
    const target: OrmTarget = {
      kind: "postgresql",
      url: options.url,
      poolSize,
      connectTimeoutMs,
      statementTimeoutMs,
      onPool: (created) => {
        pool = created;
      },
    };
    const orm = await createOrm(target);
    if (options.fillPool === true) await fillPool(orm, poolSize);
    return new MikroOrmDatabase(
      "postgresql",
      orm,
      async () => {},
      poolQuery(() => pool),
    );
  }
  if (options.dataDir === undefined) {
    const pglite = await createPglite(undefined, internals);
    const orm = await createOrm({ kind: "pglite", pglite }).catch(async (error: unknown) => {
      await pglite.close();
      throw error;
    });
    return new MikroOrmDatabase("pglite", orm, () => pglite.close());
  }
  const dataDir = resolve(options.dataDir);
  return openDataDir(dataDir, options.serveEmbedded === true, { connectTimeoutMs, statementTimeoutMs }, internals);
}

/** As many concurrent queries as the pool holds: each one opens a connection of its own. */
async function fillPool(orm: Orm, poolSize: number): Promise<void> {
  try {
    await Promise.all(Array.from({ length: poolSize }, () => sql`select 1`.execute(orm.em.getKysely())));
  } catch (error) {
    await orm.close();
    throw toDomainError(error);
  }
}

/**
 * The embedded database in DATA_DIR. Whoever takes the lock owns the files and uses PGlite
 * in process; if it serves them, other processes reach them through its socket. A process
 * that finds the lock held by a live server is a guest and connects through that server's
 * socket; one held by a process that does not serve is refused with `DatabaseInUse`.
 */
async function openDataDir(
  dataDir: string,
  serve: boolean,
  timeouts: { connectTimeoutMs: number; statementTimeoutMs: number },
  internals: OpenInternals,
): Promise<Database> {
  ensurePrivateDirectory(dataDir);
  const socketDir = serve ? socketDirectory(dataDir) : null;
  const attempt = DataDirLock.acquire(dataDir, socketDir);
  if (!attempt.acquired) {
    const { holder } = attempt;
    if (holder.socketDir === null) throw new DatabaseInUse(dataDir, holder.pid, holder.command);
    const { connectTimeoutMs } = timeouts;
    const orm = await createOrm({ kind: "socket", socketDir: holder.socketDir, connectTimeoutMs });
    return new MikroOrmDatabase("pglite", orm, async () => {});
  }
  const { lock } = attempt;
  const cleanups: Array<() => Promise<void> | void> = [() => lock.release()];
  const closeAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const pglite = await createPglite(join(dataDir, PGLITE_DIRECTORY), internals);
    cleanups.push(() => pglite.close());
    if (socketDir !== null) cleanups.push(await serveOverSocket(pglite, socketDir, timeouts.statementTimeoutMs));
    // In process, never through the socket: Kysely's PGlite dialect hands its one connection
    // to one query or one whole transaction at a time, and PGlite runs each of those under
    // the mutex a guest holds while it has the session.
    const orm = await createOrm({ kind: "pglite", pglite });
    return new MikroOrmDatabase("pglite", orm, closeAll);
  } catch (error) {
    await closeAll();
    throw error;
  }
}

function socketDirectory(dataDir: string): string {
  if (socketPath(dataDir).length <= MAX_SOCKET_PATH) return dataDir;
  throw new Error(
    `DATA_DIR ${dataDir} is too long a path for the unix socket through which the server shares its embedded database; ` +
      "choose a shorter DATA_DIR.",
  );
}

async function createPglite(dataDir: string | undefined, internals: OpenInternals): Promise<PGlite> {
  const loadDataDir = internals.initialData === undefined ? undefined : await internals.initialData();
  return PGlite.create({
    ...(dataDir === undefined ? {} : { dataDir }),
    ...(loadDataDir === undefined ? {} : { loadDataDir }),
  });
}

class MikroOrmDatabase implements Database {
  readonly engine: Engine;
  readonly users: UserRepository;
  readonly tasks: TaskRepository;
  readonly sessions: SessionRepository;
  readonly history: HistoryRepository;
  readonly unitOfWork: UnitOfWork;
  readonly #orm: Orm;
  readonly #release: () => Promise<void>;

  /** `poolQuery`: on PostgreSQL, where hot statements outside a transaction go (see `CompiledQueries`). */
  constructor(engine: Engine, orm: Orm, release: () => Promise<void>, poolQuery?: PoolQuery) {
    this.engine = engine;
    this.#orm = orm;
    this.#release = release;
    const db = () => orm.em.getKysely<RecordsDatabase>();
    this.users = new KyselyUserRepository(db);
    this.tasks = new KyselyTaskRepository(db, poolQuery);
    this.sessions = new KyselySessionRepository(db, poolQuery);
    this.history = new KyselyHistoryRepository(db);
    this.unitOfWork = new MikroOrmUnitOfWork(orm.em);
  }

  /** For test support and the benchmark: the ORM behind the repositories. */
  get orm(): Orm {
    return this.#orm;
  }

  migrate(): Promise<{ applied: string[] }> {
    return translateErrors(async () => {
      const applied =
        this.engine === "postgresql"
          ? await this.#orm.em.transactional(async (em) => {
              // Held until this transaction ends: a second process waits here, then finds nothing pending.
              await em.execute(`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
              return this.#orm.migrator.up({ transaction: em.getTransactionContext() });
            })
          : // The embedded database is one session: the migrator's own bookkeeping would wait
            // forever behind an outer transaction, and there is no second server to race with.
            await this.#orm.migrator.up();
      return { applied: applied.map((migration) => migration.name) };
    });
  }

  migrationStatus(): Promise<{ applied: string[]; pending: string[] }> {
    return translateErrors(async () => {
      const [applied, pending] = [await this.#orm.migrator.getExecuted(), await this.#orm.migrator.getPending()];
      return { applied: applied.map((row) => row.name), pending: pending.map((info) => info.name) };
    });
  }

  async ping(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ServiceUnavailable(`the database did not answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([sql`select 1`.execute(this.#orm.em.getKysely()), timeout]);
    } catch (error) {
      throw error instanceof ServiceUnavailable
        ? error
        : new ServiceUnavailable(error instanceof Error ? error.message : String(error));
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.#orm.close();
    await this.#release();
  }
}

/** The ORM behind a database opened by `openDatabase`, for this package's tests and benchmark. */
export function ormOf(database: Database): Orm {
  if (!(database instanceof MikroOrmDatabase)) throw new TypeError("not a database opened by openDatabase");
  return database.orm;
}
