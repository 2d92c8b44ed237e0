import cluster, { type Worker } from "node:cluster";
import type { Logger } from "pino";

// A replacement that fails to start is tried again after this, doubling up to the maximum
// while it keeps failing (a database that is down for a while), and from the start once one listens.
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;

/**
 * The primary process of WEB_CONCURRENCY > 1: starts `count` server processes that share
 * the port (node:cluster, whose primary hands out connections in turn), and supervises them.
 * - If a process of the first `count` exits before it listens, all stop with exit code 1:
 *   the server cannot start (bad database, port taken), and restarting it forever would
 *   hide why.
 * - A process that exits once they all have started is replaced; a replacement that
 *   cannot start is tried again with a growing delay, and the others go on serving.
 * - SIGTERM or SIGINT is passed to every process, each of which drains and closes as a
 *   single server does; the primary exits when the last one has: 0 if every process that
 *   was serving exited 0.
 */
export function superviseWorkers(count: number, logger: Logger): void {
  const listening = new Set<number>();
  let allStarted = false;
  let retryMs = FIRST_RETRY_MS;
  let stopping = false;
  let exitCode = 0;

  const workers = () => Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
  const stop = (signal: NodeJS.Signals, code: number) => {
    exitCode = Math.max(exitCode, code);
    if (stopping) return;
    stopping = true;
    logger.info({ signal, processes: workers().length }, "shutting down: stopping every server process");
    for (const worker of workers()) worker.process.kill(signal);
  };

  cluster.on("listening", (worker) => {
    listening.add(worker.id);
    retryMs = FIRST_RETRY_MS;
    if (listening.size === count) allStarted = true;
  });
  cluster.on("exit", (worker, code, signal) => {
    const started = listening.delete(worker.id);
    if (stopping) {
      // One still starting has no handler yet and dies of the signal, with nothing in flight.
      if (started ? code !== 0 : code !== 0 && signal === null) exitCode = 1;
      if (workers().length === 0) {
        logger.info("stopped");
        logger.flush();
        process.exit(exitCode);
      }
      return;
    }
    if (!started && !allStarted) {
      logger.error({ pid: worker.process.pid, code, signal }, "a server process failed to start: stopping");
      stop("SIGTERM", 1);
      return;
    }
    if (started) {
      logger.error({ pid: worker.process.pid, code, signal }, "a server process exited: starting another");
      cluster.fork();
      return;
    }
    logger.error(
      { pid: worker.process.pid, code, signal, retry_ms: retryMs },
      "a replacement server process failed to start: trying again",
    );
    setTimeout(() => stopping || cluster.fork(), retryMs);
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  });
  // `on`, not `once`: a terminal's Ctrl-C reaches every process of the group, and a second
  // signal must not end the supervisor's wait.
  process.on("SIGTERM", () => stop("SIGTERM", 0));
  process.on("SIGINT", () => stop("SIGINT", 0));

  for (let index = 0; index < count; index++) cluster.fork();
  logger.info({ processes: count }, `starting ${count} server processes`);
}
