import type { PGlite } from "@electric-sql/pglite";
import type { MikroORM } from "@mikro-orm/core";
import { Migrator } from "@mikro-orm/migrations";
import { PgliteDriver } from "@mikro-orm/pglite";
import {
  type AbstractSqlDriver,
  type Options,
  PostgreSqlDriver,
  type SqlEntityManager,
  SqlMikroORM,
} from "@mikro-orm/postgresql";
import type { Pool } from "pg";
import { MIGRATIONS } from "./migrations/index.ts";
import { RECORDS } from "./records/index.ts";
import type { PoolQuery } from "./repositories/compiled-queries.ts";

export type Orm = MikroORM<AbstractSqlDriver, SqlEntityManager>;

/** Where the ORM's connections go. */
export type OrmTarget =
  | {
      readonly kind: "postgresql";
      readonly url: string;
      readonly poolSize: number;
      readonly connectTimeoutMs: number;
      readonly statementTimeoutMs: number;
      /** Called with the pool once MikroORM makes it (with its Kysely client, before any connection). */
      readonly onPool?: (pool: Pool) => void;
    }
  /** An embedded database open in this process; its owner closes it after the ORM. */
  | { readonly kind: "pglite"; readonly pglite: PGlite }
  /** An embedded database shared by the process that owns it, through a unix socket in `socketDir`: one connection. */
  | { readonly kind: "socket"; readonly socketDir: string; readonly connectTimeoutMs: number };

// How much longer than statement_timeout the client waits for an answer before giving up on it.
const QUERY_TIMEOUT_MARGIN_MS = 1_000;

// Distinct statements given a name; past this, a statement is sent unnamed (parsed each
// time, as before). The repositories' fixed statements number a few dozen, and the task
// list's shape varies with its ordering and status filter (hundreds of combinations that
// any client may ask for), so the first ones seen are kept: enough for what is used
// often, while each connection keeps at most this many plans.
const MAX_NAMED_STATEMENTS = 150;

/**
 * Two things every pooled connection does with its queries:
 * - A parameterised statement is sent as a named prepared statement (node-postgres keeps
 *   one per connection and name), so PostgreSQL parses and plans it once per connection
 *   instead of at every execution. Kysely always sends parameters, never literals, so one
 *   statement text stands for every execution of one query shape.
 * - After a query_timeout, node-postgres still waits on that connection for the answer that
 *   never came, and every later query on it would queue behind. The pool would hand it out
 *   again, so a connection whose query timed out is closed: the pool opens a fresh one.
 */
function adaptConnections(pool: Pool): void {
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    if (name === undefined && names.size < MAX_NAMED_STATEMENTS) {
      name = `tasks_${names.size}`;
      names.set(text, name);
    }
    return name;
  };
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((...args: unknown[]) => {
      const [text, values] = args;
      const name = typeof text === "string" && Array.isArray(values) && values.length > 0 ? nameOf(text) : undefined;
      const result = name === undefined ? query(...args) : query({ name, text, values }, ...args.slice(2));
      if (!(result instanceof Promise)) return result;
      return result.catch((error: unknown) => {
        if (error instanceof Error && error.message === "Query read timeout") void client.end();
        throw error;
      });
    }) as typeof client.query;
  });
}

// The commands whose row count Kysely's PostgreSQL driver reports as `numAffectedRows`.
const COUNTED_COMMANDS = new Set(["INSERT", "UPDATE", "DELETE", "MERGE"]);

/**
 * Statements sent straight to the pool `pool()` gives (see `CompiledQueries`), answered as
 * Kysely's PostgreSQL driver answers them. They go through the pool's connections, and so
 * through `adaptConnections` too.
 */
export function poolQuery(pool: () => Pool | undefined): PoolQuery {
  return async (sql, parameters) => {
    // The pool is made with the Kysely client, which the repository asked for first.
    const current = pool();
    if (current === undefined) throw new Error("a statement was sent before the pool was made");
    const { command, rowCount, rows } = await current.query(sql, parameters as unknown[]);
    return COUNTED_COMMANDS.has(command) ? { rows, numAffectedRows: BigInt(rowCount ?? 0) } : { rows };
  };
}

/** The port in the socket's file name, `.s.PGSQL.<port>`, as PostgreSQL clients expect it. */
export const SOCKET_PORT = 5432;

export async function createOrm(target: OrmTarget, migrationsPath?: string): Promise<Orm> {
  const common = {
    entities: RECORDS,
    extensions: [Migrator],
    // Repositories query through Kysely and load no entity, so no identity map is shared
    // between requests; a transaction gets its own fork, and any use of the global
    // EntityManager's identity map is an error rather than state shared between requests.
    allowGlobalContext: false,
    migrations: {
      migrationsList: MIGRATIONS,
      path: migrationsPath,
      pathTs: migrationsPath,
      tableName: "mikro_orm_migrations",
      // The schema is compared with the database itself: no snapshot file to rewrite or commit.
      snapshot: false,
      snapshotOnMigrate: false,
      transactional: true,
      allOrNothing: true,
      silent: true,
    },
  } satisfies Partial<Options>;
  switch (target.kind) {
    case "postgresql":
      return SqlMikroORM.init<AbstractSqlDriver, SqlEntityManager>({
        ...common,
        driver: PostgreSqlDriver,
        clientUrl: target.url,
        // Fixed-size: a connection, once opened, is kept (min = max), not dropped after 10 s idle.
        pool: { min: target.poolSize, max: target.poolSize },
        // Passed as a function: an object would be deep-copied by MikroORM.
        driverOptions: () => ({
          // Bounds both opening a connection and waiting for a free one in the pool.
          connectionTimeoutMillis: target.connectTimeoutMs,
          statement_timeout: target.statementTimeoutMs,
          lock_timeout: target.statementTimeoutMs,
          idle_in_transaction_session_timeout: target.statementTimeoutMs * 6,
          // A statement the server never answers (it vanished, or the network dropped the
          // connection without a reset) fails on the client soon after statement_timeout
          // would have ended it on the server.
          query_timeout: target.statementTimeoutMs + QUERY_TIMEOUT_MARGIN_MS,
          onPoolCreated: (pool: Pool) => {
            adaptConnections(pool);
            target.onPool?.(pool);
          },
          keepAlive: true,
        }),
      });
    case "socket":
      return SqlMikroORM.init<AbstractSqlDriver, SqlEntityManager>({
        ...common,
        driver: PostgreSqlDriver,
        host: target.socketDir,
        port: SOCKET_PORT,
        user: "postgres",
        password: "",
        dbName: "postgres",
        // A guest runs one command at a time, and every connection takes one of the owner's guest places.
        pool: { min: 1, max: 1 },
        driverOptions: () => ({ connectionTimeoutMillis: target.connectTimeoutMs }),
      });
    case "pglite":
      return SqlMikroORM.init<AbstractSqlDriver, SqlEntityManager>({
        ...common,
        driver: PgliteDriver,
        dbName: "postgres",
        driverOptions: () => ({ pglite: target.pglite }),
      });
  }
}
