import cluster, { type Worker } from "node:cluster";
import type { Logger } from "pino";

/**
 * The primary process of WEB_CONCURRENCY > 1: starts `count` server processes that share
 * the port (node:cluster, whose primary hands out connections in turn), and supervises them.
 * - A process that exits before it listens stops them all with exit code 1: it would
 *   fail again (bad database, port taken), and restarting it forever would hide why.
 * - A process that exits later is replaced, and the event is logged.
 * - SIGTERM or SIGINT is passed to every process, each of which drains and closes as a
 *   single server does; the primary exits when the last one has, 0 if every one exited 0.
 */
export function superviseWorkers(count: number, logger: Logger): void {
  const listening = new Set<number>();
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

  cluster.on("listening", (worker) => listening.add(worker.id));
  cluster.on("exit", (worker, code, signal) => {
    const started = listening.delete(worker.id);
    if (stopping) {
      // A process still starting has no handler yet and dies of the signal itself, with nothing in flight.
      const endedBySignal = code === null && (signal === "SIGTERM" || signal === "SIGINT");
      if (code !== 0 && !endedBySignal) exitCode = 1;
      if (workers().length === 0) {
        logger.info("stopped");
        logger.flush();
        process.exit(exitCode);
      }
      return;
    }
    if (!started) {
      logger.error({ pid: worker.process.pid, code, signal }, "a server process failed to start: stopping");
      stop("SIGTERM", 1);
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, "a server process exited: starting another");
    cluster.fork();
  });
  process.once("SIGTERM", () => stop("SIGTERM", 0));
  process.once("SIGINT", () => stop("SIGINT", 0));

  for (let index = 0; index < count; index++) cluster.fork();
  logger.info({ processes: count }, `starting ${count} server processes`);
}
