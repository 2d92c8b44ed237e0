import cluster from "node:cluster";
import { setTimeout as sleep } from "node:timers/promises";
import { ServiceUnavailable } from "@tasks/domain";
import { DatabaseInUse, openDatabase } from "@tasks/persistence";
import { ConfigError, loadConfig, readEnvironment, resolveJwtSecret } from "@tasks/platform";
import pino from "pino";
import { buildApp } from "./app.ts";
import { createDependencies } from "./container.ts";
import { logDestination, logFormat, loggerOptions } from "./http/request-logging.ts";
import { Shutdown, stopAccepting } from "./http/shutdown.ts";
import { redisClient } from "./redis.ts";
import { DOCS_PATH } from "./routes/docs.routes.ts";
import { superviseWorkers } from "./workers.ts";

// In-flight requests get this long to finish once the drain is over; then the process exits anyway.
const SHUTDOWN_TIMEOUT_MS = 10_000;
// After the drain, a connection that has sent nothing yet gets this long to send its request.
const IDLE_GRACE_MS = 1000;
// Ended logins are kept a week (ENDED_LOGIN_GRACE_MS); deleting them hourly keeps the table small.
const PURGE_INTERVAL_MS = 3_600_000;

/**
 * Starts the API server: configuration from the environment and `.env` (a bad variable
 * stops it with a message naming it), the database (migrated unless RUN_MIGRATIONS=false),
 * then listens until SIGTERM or SIGINT. With WEB_CONCURRENCY > 1, this process starts and
 * supervises that many processes that do all of this (see workers.ts).
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
  const format = logFormat(env.NODE_ENV, process.stdout.isTTY === true);
  const logger = pino(loggerOptions(config.logLevel, format), logDestination(format));
  // Before any other process starts, so a generated development secret is written once.
  const jwtSecret = await resolveJwtSecret(config);
  if (cluster.isPrimary && config.webConcurrency > 1) {
    superviseWorkers(config.webConcurrency, logger);
    return;
  }
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
  const redis = config.redisUrl ? redisClient(config.redisUrl, logger) : undefined;
  const shutdown = new Shutdown();
  const dependencies = createDependencies({ config, database, jwtSecret, redis, logger });
  const app = await buildApp({ ...dependencies, shutdown });

  // Every process purges: the delete is idempotent and cheap when there is nothing to delete.
  const purge = () =>
    dependencies.purgeEndedLogins.execute().then(
      (deleted) => deleted > 0 && logger.info({ deleted }, "ended logins purged"),
      (error: unknown) => logger.warn({ err: error }, "purging ended logins failed; next try in an hour"),
    );
  const purgeTimer = setInterval(purge, PURGE_INTERVAL_MS);
  purgeTimer.unref();
  void purge();

  // Readiness says 503 at once and every answer closes its connection; requests are still
  // served for SHUTDOWN_DRAIN, so that a load balancer can stop sending; then the server
  // stops accepting, finishes what is in flight, and closes the database.
  const stop = async (signal: string) => {
    if (shutdown.started) return;
    shutdown.begin();
    clearInterval(purgeTimer);
    logger.info({ signal, drain_ms: config.shutdownDrainMs }, "shutting down: finishing requests in flight");
    const timer = setTimeout(() => {
      logger.error(`requests still in flight ${SHUTDOWN_TIMEOUT_MS} ms after the drain: exiting anyway`);
      process.exit(1);
    }, config.shutdownDrainMs + SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    try {
      await sleep(config.shutdownDrainMs);
      await stopAccepting(app.server, Math.min(config.keepAliveTimeoutMs, IDLE_GRACE_MS));
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
  // `on`, not `once`: a terminal's Ctrl-C reaches every process of its group, and under
  // WEB_CONCURRENCY the supervisor passes the signal on too; a second one must not cut the
  // drain short (stop runs once; SHUTDOWN_TIMEOUT_MS still bounds it).
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));

  const firstRun = (await database.users.count()) === 0;
  const address = await app.listen({ host: config.host, port: config.port });
  const docs = config.apiDocs ? ` API docs: ${address}${DOCS_PATH}` : "";
  if (firstRun)
    logger.info(
      "No users yet. Create the first one with `npm run taskctl -- createsuperuser` " +
        "(with pnpm: `pnpm taskctl createsuperuser`), or an ordinary user with " +
        "`npm run taskctl -- users create <username>` (`pnpm taskctl users create <username>`), " +
        `then log in at POST /api/auth/login/${config.adminSite ? ` or, as a superuser or staff, at ${address}/admin/` : ""}.`,
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
