import { SchemaNotMigrated, ServiceUnavailable, UserGone } from "@tasks/domain";

/** Another live process has the embedded database in DATA_DIR open and does not share it. */
export class DatabaseInUse extends Error {
  readonly dataDir: string;
  readonly pid: number;
  readonly command: string;

  constructor(dataDir: string, pid: number, command: string) {
    super(
      `The embedded database in ${dataDir} is in use by process ${pid} (${command}), which does not share it. ` +
        "Wait for that process to finish or stop it, then try again; to run several programs on one database at once, " +
        "start the API server (it shares its embedded database with taskctl) or set DATABASE_URL to a PostgreSQL server.",
    );
    this.name = "DatabaseInUse";
    this.dataDir = dataDir;
    this.pid = pid;
    this.command = command;
  }
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` can be stored in a `uuid` column; anything else cannot name a row. */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/** Whether `error` is PostgreSQL's refusal, with SQLSTATE `sqlstate`, by the constraint `name`. */
function violates(error: unknown, sqlstate: string, name: string): boolean {
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  return error instanceof Error && code === sqlstate && constraint === name;
}

/** Whether `error` is PostgreSQL's refusal of a duplicate in the unique index or constraint `name` (SQLSTATE 23505). */
export function isUniqueViolation(error: unknown, name: string): boolean {
  return violates(error, "23505", name);
}

/** Whether `error` is PostgreSQL's refusal of a row whose foreign key `name` points at no row (SQLSTATE 23503). */
function isForeignKeyViolation(error: unknown, name: string): boolean {
  return violates(error, "23503", name);
}

// SQLSTATE classes and codes meaning "the database cannot serve you now", not "your query is wrong":
// 08 connection exceptions, 53 insufficient resources, 57014 statement timeout, 57P0x shutdown or
// starting up, 55P03 lock timeout, 58 system errors, and 40P01 and 40001: the transaction was rolled
// back to break a deadlock or a serialization conflict with another, and may simply be tried again.
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0|58)|^(57014|55P03|40P01|40001)$/;
const UNAVAILABLE_NODE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  // The unix socket of a shared embedded database is gone: its server stopped.
  "ENOENT",
]);
// node-postgres and PGlite say these in words only.
const UNAVAILABLE_MESSAGE =
  /timeout exceeded when trying to connect|Connection terminated|connection timeout|not queryable|PGlite is clos|Query read timeout|Too many connections/i;

/** Whether `error` (or an error it wraps) says the database is down, unreachable or too slow. */
export function isUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const { code } = current as { code?: unknown };
    if (typeof code === "string" && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_NODE_CODES.has(code))) return true;
    if (current.name === "ConnectionException" || UNAVAILABLE_MESSAGE.test(current.message)) return true;
    current = current.cause;
  }
  return false;
}

// PostgreSQL's undefined_table: the schema was never migrated.
const UNDEFINED_TABLE = "42P01";

/** Whether `error` (or an error it wraps) says a table the query needs does not exist. */
function isMissingTable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if ((current as { code?: unknown }).code === UNDEFINED_TABLE) return true;
    current = current.cause;
  }
  return false;
}

/**
 * The domain's view of a storage failure: `ServiceUnavailable` when the database cannot
 * answer, `SchemaNotMigrated` when it has no tables yet, else as it is.
 */
export function toDomainError(error: unknown): unknown {
  if (error instanceof ServiceUnavailable || error instanceof SchemaNotMigrated) return error;
  const reason = error instanceof Error ? error.message : String(error);
  if (isUnavailable(error)) return new ServiceUnavailable(reason);
  if (isMissingTable(error)) return new SchemaNotMigrated(reason);
  return error;
}

/** Runs one storage operation, reporting the database's failures as the domain's errors (`toDomainError`). */
export async function translateErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toDomainError(error);
  }
}

/**
 * `translateErrors` for a write of a row that names the user `userId` through the foreign
 * key `constraint`: a user who does not exist (deleted since they were read) is `UserGone`.
 * With no `userId` (a row naming no user, an update keeping its owner), `translateErrors`.
 */
export function translateWriteNaming<T>(
  constraint: string,
  userId: string | null | undefined,
  work: () => Promise<T>,
): Promise<T> {
  if (userId === null || userId === undefined) return translateErrors(work);
  return translateErrors(async () => {
    try {
      return await work();
    } catch (error) {
      throw isForeignKeyViolation(error, constraint) ? new UserGone(userId) : error;
    }
  });
}
