import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { CSRF_COOKIE, CSRF_HEADER } from "./cookies.ts";
import { CsrfFailed } from "./problems.ts";
import type { HttpSecurityEvents } from "./security-events.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /** A public route that still needs the CSRF check (the session login: no login CSRF). */
    csrf?: boolean;
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

/**
 * Django's CSRF check for requests that act with the session cookie: an unsafe method
 * needs the header X-CSRFToken equal to the `csrftoken` cookie and, when the request
 * carries an Origin, an allowed one. Requests that authenticate with a bearer token never
 * need it (a browser does not send one by itself). Runs after the guard, which says how
 * the caller authenticated, and before the body is read, as Django checks before a view runs:
 * a form posted from another origin gets this 403, not a 415 for its content type.
 */
export function registerCsrfCheck(
  app: FastifyInstance,
  isAllowedOrigin: (origin: string, request: FastifyRequest) => boolean,
  events: HttpSecurityEvents,
): void {
  app.addHook("onRequest", (request, _reply, done) => {
    if (SAFE_METHODS.has(request.method)) return done();
    if (request.credential !== "cookie" && request.routeOptions.config.csrf !== true) return done();
    const reason = csrfProblem(request, isAllowedOrigin);
    if (reason === null) return done();
    events.record({
      event: "csrf_failed",
      reason,
      method: request.method,
      path: request.routeOptions.url ?? null,
      clientAddress: request.ip,
    });
    done(new CsrfFailed(reason));
  });
}

function csrfProblem(
  request: FastifyRequest,
  isAllowedOrigin: (origin: string, request: FastifyRequest) => boolean,
): string | null {
  const origin = request.headers.origin;
  if (origin !== undefined && !isAllowedOrigin(origin, request))
    return `Origin checking failed - ${origin} does not match any trusted origins.`;
  const cookie = request.cookies[CSRF_COOKIE];
  if (cookie === undefined || cookie === "") return "CSRF cookie not set.";
  const header = request.headers[CSRF_HEADER];
  if (typeof header !== "string" || header === "") return "CSRF token missing.";
  if (!sameText(header, cookie)) return "CSRF token incorrect.";
  return null;
}

/** Compares in time that does not depend on where the two differ, as Django does. */
function sameText(a: string, b: string): boolean {
  const [left, right] = [Buffer.from(a), Buffer.from(b)];
  return left.length === right.length && timingSafeEqual(left, right);
}
