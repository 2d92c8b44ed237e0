import pg from "pg";

/** A PostgreSQL server that tests may create and drop databases on. */
export interface PostgresServer {
  /** Where it came from, for messages: `TEST_DATABASE_URL`, `Testcontainers` or `127.0.0.1:5432`. */
  readonly source: string;
  /** A URL with the right to create databases; its database part is replaced per test database. */
  readonly adminUrl: string;
}

export type PostgresLookup = { found: true; server: PostgresServer } | { found: false; reason: string };

/** The image Testcontainers starts: the PostgreSQL that docker-compose.yml runs. */
export const POSTGRES_IMAGE = "postgres:17-alpine";
const LOCAL_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres";
const PROBE_TIMEOUT_MS = 2_000;
// Testcontainers may pull an image on first use.
const CONTAINER_START_TIMEOUT_MS = 120_000;

let lookup: Promise<PostgresLookup> | undefined;

/**
 * Finds a PostgreSQL server for tests, once per process, in this order: `TEST_DATABASE_URL`;
 * a container started with Testcontainers when a container runtime answers; a server at
 * 127.0.0.1:5432 with user postgres. A `TEST_DATABASE_URL` that is set names the server the
 * tests must use: when it does not answer, this rejects, whether under CI or not. Nothing
 * found otherwise is `found: false`.
 */
export function findPostgresServer(): Promise<PostgresLookup> {
  lookup ??= lookUp();
  return lookup;
}

async function lookUp(): Promise<PostgresLookup> {
  const configured = process.env.TEST_DATABASE_URL;
  if (configured !== undefined && configured !== "") {
    const problem = await probe(configured);
    if (problem !== null) throw new Error(`TEST_DATABASE_URL is set but its server does not answer: ${problem}`);
    return { found: true, server: { source: "TEST_DATABASE_URL", adminUrl: configured } };
  }
  const container = await startContainer();
  if (container !== null) return { found: true, server: container };
  const problem = await probe(LOCAL_SERVER_URL);
  if (problem === null) return { found: true, server: { source: "127.0.0.1:5432", adminUrl: LOCAL_SERVER_URL } };
  return {
    found: false,
    reason:
      "no PostgreSQL for tests: TEST_DATABASE_URL is not set, no container runtime answers for Testcontainers, " +
      `and nothing accepts user postgres at 127.0.0.1:5432 (${problem}). ` +
      "Set TEST_DATABASE_URL=postgres://user:password@host:port/database to a server where that user may create databases.",
  };
}

/** `null` when the server answers, otherwise why not. */
async function probe(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  // A failed connection also emits 'error'; without a listener it would crash the process.
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

async function startContainer(): Promise<PostgresServer | null> {
  const { getContainerRuntimeClient } = await import("testcontainers");
  try {
    // Throws within milliseconds when no container runtime answers.
    await getContainerRuntimeClient();
  } catch {
    return null;
  }
  const { PostgreSqlContainer } = await import("@testcontainers/postgresql");
  // Testcontainers' reaper removes the container when this process ends.
  const container = await new PostgreSqlContainer(POSTGRES_IMAGE)
    .withStartupTimeout(CONTAINER_START_TIMEOUT_MS)
    .start();
  return { source: "Testcontainers", adminUrl: container.getConnectionUri() };
}
