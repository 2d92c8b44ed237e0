import type { FastifyBaseLogger } from "fastify";
import { Redis } from "ioredis";

// A Redis that stalls without closing its connections holds a login no longer than this.
const COMMAND_TIMEOUT_MS = 1000;

/**
 * The connection to REDIS_URL. Commands fail at once while Redis is unreachable (no
 * offline queue), so that logins fall back to the process's own counts instead of
 * queueing. ioredis reconnects by itself and reports every failed try: those go to the
 * debug level, the one warning of an outage comes from the throttle that falls back.
 */
export function redisClient(url: string, logger: FastifyBaseLogger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: COMMAND_TIMEOUT_MS,
  });
  redis.on("error", (error) => logger.debug({ err: error }, "redis connection failed"));
  return redis;
}
