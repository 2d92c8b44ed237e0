import type { FastifyCorsOptions } from "@fastify/cors";

// A development frontend on this machine, on any port.
const LOCAL_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?$/;

/**
 * Browsers may call the API from a local development server and from the exact origins
 * configured in CORS_ORIGINS; any other origin gets no Access-Control-Allow-Origin.
 * Tokens travel in the Authorization header, never in cookies, so no credentials mode.
 */
export function corsOptions(extraOrigins: readonly string[]): FastifyCorsOptions {
  return {
    // @fastify/cors matches strings exactly and tests regular expressions.
    origin: [...extraOrigins, LOCAL_ORIGIN],
    methods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    allowedHeaders: ["authorization", "content-type", "x-request-id"],
    exposedHeaders: ["location", "x-request-id"],
    maxAge: 600,
  };
}
