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
 * Django's CSRF check of one unsafe request acting with the session cookie: the token it
 * submitted (the X-CSRFToken header, or a form's `csrfmiddlewaretoken` field) must equal
 * the `csrftoken` cookie and, when the request carries an Origin, it must be an allowed
 * one. A refusal is recorded as the `csrf_failed` security event and answered as the error
 * to throw; `null` when the request passes.
 */
export type CsrfCheck = (request: FastifyRequest, submittedToken: unknown) => CsrfFailed | null;

export function csrfCheck(
  isAllowedOrigin: (origin: string, request: FastifyRequest) => boolean,
  events: HttpSecurityEvents,
): CsrfCheck {
  return (request, submittedToken) => {
    const reason = csrfProblem(request, submittedToken, isAllowedOrigin);
    if (reason === null) return null;
    events.record({
      event: "csrf_failed",
      reason,
      method: request.method,
      path: request.routeOptions.url ?? null,
      clientAddress: request.ip,
    });
    return new CsrfFailed(reason);
  };
}

/** Whether `method` changes nothing, so that no CSRF check applies. */
export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method);
}

/**
 * The API's hook: the CSRF check, with the token from the X-CSRFToken header, of every
 * unsafe request that acts with the session cookie. Requests that authenticate with a
 * bearer token never need it (a browser does not send one by itself). Runs after the
 * guard, which says how the caller authenticated, and before the body is read, as Django
 * checks before a view runs: a form posted from another origin gets this 403, not a 415
 * for its content type.
 */
export function registerCsrfCheck(app: FastifyInstance, check: CsrfCheck): void {
  app.addHook("onRequest", (request, _reply, done) => {
    if (isSafeMethod(request.method)) return done();
    if (request.credential !== "cookie" && request.routeOptions.config.csrf !== true) return done();
    done(check(request, request.headers[CSRF_HEADER]) ?? undefined);
  });
}

function csrfProblem(
  request: FastifyRequest,
  submittedToken: unknown,
  isAllowedOrigin: (origin: string, request: FastifyRequest) => boolean,
): string | null {
  const origin = request.headers.origin;
  if (origin !== undefined && !isAllowedOrigin(origin, request))
    return `Origin checking failed - ${origin} does not match any trusted origins.`;
  const cookie = request.cookies[CSRF_COOKIE];
  if (cookie === undefined || cookie === "") return "CSRF cookie not set.";
  if (typeof submittedToken !== "string" || submittedToken === "") return "CSRF token missing.";
  if (!sameText(submittedToken, cookie)) return "CSRF token incorrect.";
  return null;
}

/** Compares in time that does not depend on where the two differ, as Django does. */
function sameText(a: string, b: string): boolean {
  const [left, right] = [Buffer.from(a), Buffer.from(b)];
  return left.length === right.length && timingSafeEqual(left, right);
}
