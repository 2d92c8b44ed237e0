import type { FastifyCorsOptions } from "@fastify/cors";
import type { FastifyRequest } from "fastify";
import { CSRF_HEADER } from "./cookies.ts";
import { InvalidPreflight } from "./problems.ts";

/**
 * Browsers may call the API from the allowed origins (`allowedOrigins`), with credentials,
 * so that a frontend on another localhost port can use a browser session: its cookie is
 * sent, and preflights allow the CSRF header. Any other origin gets no
 * Access-Control-Allow-Origin.
 */
export function corsOptions(origins: readonly (string | RegExp)[]): FastifyCorsOptions {
  return {
    // @fastify/cors matches strings exactly and tests regular expressions.
    origin: [...origins],
    credentials: true,
    methods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    allowedHeaders: ["authorization", "content-type", "x-request-id", CSRF_HEADER],
    exposedHeaders: ["location", "x-request-id"],
    maxAge: 600,
  };
}

/**
 * @fastify/cors refuses an OPTIONS request that is not a preflight (no Origin or no
 * Access-Control-Request-Method) with a bare text/plain 400; this check, run before it,
 * refuses the same requests with problem details.
 */
export function preflightCheck(request: FastifyRequest): InvalidPreflight | undefined {
  if (request.method !== "OPTIONS") return undefined;
  const { origin, "access-control-request-method": method } = request.headers;
  return origin === undefined || method === undefined ? new InvalidPreflight() : undefined;
}
