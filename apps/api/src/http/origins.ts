import type { FastifyRequest } from "fastify";
import { schemeOf } from "./hosts.ts";

// A development frontend on this machine, on any port.
const LOCAL_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?$/;

/**
 * The origins a browser may call the API from with credentials: a local development
 * server on any port, and the exact origins of CORS_ORIGINS. CORS answers them; the CSRF
 * check accepts them too, beside the API's own origin.
 */
export function allowedOrigins(extraOrigins: readonly string[]): readonly (string | RegExp)[] {
  return [...extraOrigins, LOCAL_ORIGIN];
}

/**
 * Whether an unsafe request that carries `origin` may act with the caller's cookie: the
 * origin is one of `allowed`, or the API's own (PUBLIC_URL's, or the request's scheme and
 * allowed host), as Django's CSRF check compares it. `null` (a sandboxed or privacy-minded
 * browser context) is never allowed.
 */
export function originCheck(
  allowed: readonly (string | RegExp)[],
  publicUrl: string | undefined,
): (origin: string, request: FastifyRequest) => boolean {
  const exact = new Set(allowed.filter((entry): entry is string => typeof entry === "string"));
  const patterns = allowed.filter((entry): entry is RegExp => entry instanceof RegExp);
  const publicOrigin = publicUrl === undefined ? undefined : new URL(publicUrl).origin;
  return (origin, request) =>
    exact.has(origin) ||
    patterns.some((pattern) => pattern.test(origin)) ||
    origin === (publicOrigin ?? `${schemeOf(request)}://${request.headers.host}`);
}
