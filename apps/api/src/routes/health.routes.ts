import type { FastifyTypeBox } from "../http/fastify-typebox.ts";
import { SERVER_ERROR } from "../http/problems.ts";
import { LiveSchema, NotReadySchema, ReadySchema } from "../schemas/health.schema.ts";

const READY_TIMEOUT_MS = 1_000;

export interface HealthDependencies {
  /** `SELECT 1` within the time given, else throws. */
  ping(timeoutMs: number): Promise<void>;
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
        description: "Readiness: the database answers `SELECT 1` within 1 s.",
        security: [],
        response: { 200: ReadySchema, 503: NotReadySchema },
      },
    },
    async (request, reply) => {
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
