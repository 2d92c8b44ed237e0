import Type from "typebox";
import type { FastifyTypeBox } from "../http/fastify-typebox.ts";
import { SERVER_ERROR } from "../http/problems.ts";
import type { Shutdown } from "../http/shutdown.ts";
import { LiveSchema, NotReadySchema, ReadySchema, ShuttingDownSchema } from "../schemas/health.schema.ts";

const READY_TIMEOUT_MS = 1_000;

export interface HealthDependencies {
  /** `SELECT 1` within the time given, else throws. */
  ping(timeoutMs: number): Promise<void>;
  /** Once started, the process is not ready: it is draining before it stops. */
  readonly shutdown: Shutdown;
}

export function healthRoutes(app: FastifyTypeBox, deps: HealthDependencies): void {
  app.get(
    "/api/health/",
    {
      config: { public: true },
      schema: {
        tags: ["health"],
        operationId: "checkLiveness",
        summary: "Liveness",
        description: "Liveness: the process answers. Never touches the database.",
        security: [],
        response: { 200: LiveSchema },
      },
    },
    async () => ({ status: "ok" as const }),
  );

  app.get(
    "/api/health/ready/",
    {
      config: { public: true },
      schema: {
        tags: ["health"],
        operationId: "checkReadiness",
        summary: "Readiness",
        description: "Readiness: the database answers `SELECT 1` within 1 s, and the process is not shutting down.",
        security: [],
        response: {
          200: ReadySchema,
          503: Type.Union([NotReadySchema, ShuttingDownSchema], {
            description: "Not ready: the database does not answer in time, or the server is shutting down.",
            examples: [
              { status: "unavailable", database: "unreachable" },
              { status: "unavailable", reason: "shutting_down" },
            ],
          }),
        },
      },
    },
    async (request, reply) => {
      if (deps.shutdown.started)
        return reply.code(503).send({ status: "unavailable" as const, reason: "shutting_down" as const });
      try {
        await deps.ping(READY_TIMEOUT_MS);
        return { status: "ok" as const, database: "ok" as const };
      } catch (error) {
        request[SERVER_ERROR] = error;
        return reply.code(503).send({ status: "unavailable" as const, database: "unreachable" as const });
      }
    },
  );
}
