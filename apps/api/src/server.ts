import { ServiceUnavailable } from "@tasks/domain";
import { DatabaseInUse, openDatabase } from "@tasks/persistence";
import { ConfigError, loadConfig, readEnvironment, resolveJwtSecret } from "@tasks/platform";
import { Redis } from "ioredis";
import pino from "pino";
import { buildApp } from "./app.ts";
import { createDependencies } from "./container.ts";
import { logFormat, loggerOptions } from "./http/request-logging.ts";
import { DOCS_PATH } from "./routes/docs.routes.ts";

// In-flight requests get this long to finish after SIGTERM/SIGINT; then the process exits anyway.
const SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * Starts the API server: configuration from the environment and `.env` (a bad variable
 * stops it with a message naming it), the database (migrated unless RUN_MIGRATIONS=false),
 * then listens until SIGTERM or SIGINT.
 */
async function main(): Promise<void> {
  const env = readEnvironment();
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  const logger = pino(loggerOptions(config.logLevel, logFormat(env.NODE_ENV, process.stdout.isTTY === true)));
  const jwtSecret = await resolveJwtSecret(config);
  const { database: databaseConfig } = config;
  const database = await openDatabase({
    ...databaseConfig,
    // Lets taskctl reach the embedded database while the server holds it.
    serveEmbedded: databaseConfig.url === undefined,
    fillPool: true,
  });
  if (config.runMigrations) {
    const { applied } = await database.migrate();
    if (applied.length > 0) logger.info({ applied }, "database migrated");
  }
  // Commands fail at once while Redis is unreachable, rather than queueing behind a login.
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 })
    : undefined;
  redis?.on("error", (error) => logger.warn({ err: error }, "redis unreachable"));
  const app = await buildApp(createDependencies({ config, database, jwtSecret, redis, logger }));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: finishing requests in flight");
    const timer = setTimeout(() => {
      logger.error(`requests still in flight after ${SHUTDOWN_TIMEOUT_MS} ms: exiting anyway`);
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    try {
      await app.close();
      redis?.disconnect();
      await database.close();
      logger.info("stopped");
      logger.flush();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, "shutdown failed");
      process.exit(1);
    }
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));

  const firstRun = (await database.users.count()) === 0;
  const address = await app.listen({ host: config.host, port: config.port });
  const docs = config.apiDocs ? ` API docs: ${address}${DOCS_PATH}` : "";
  if (firstRun)
    logger.info(
      "No users yet. Create the first one with `npm run taskctl -- createsuperuser` " +
        "(with pnpm: `pnpm taskctl createsuperuser`), or an ordinary user with " +
        "`npm run taskctl -- users create <username>` (`pnpm taskctl users create <username>`), " +
        "then log in at POST /api/auth/login/.",
    );
  logger.info(`Listening on ${address}.${docs}`);
}

main().catch((error: unknown) => {
  // A known reason not to start is one sentence; anything else keeps its stack for whoever debugs it.
  if (error instanceof DatabaseInUse) console.error(error.message);
  else if (error instanceof ServiceUnavailable)
    console.error(
      `The database cannot be reached (${error.reason}): check DATABASE_URL and that the database server is running.`,
    );
  else console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
