import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { type BrowserCookies, CSRF_COOKIE, CSRF_HEADER, newCsrfToken } from "../http/cookies.ts";
import { type CsrfCheck, isSafeMethod } from "../http/csrf.ts";

/** Django's name for the hidden field that carries the CSRF token in a form. */
export const CSRF_FIELD = "csrfmiddlewaretoken";

/**
 * The API's CSRF check on every unsafe admin request, once its form is read: the token
 * comes from the form's `csrfmiddlewaretoken` field, or else the X-CSRFToken header, as
 * Django reads it. A refusal is thrown, for the admin's error handler to answer with its
 * 403 page; the check has recorded the `csrf_failed` event.
 */
export function registerFormCsrfCheck(admin: FastifyInstance, check: CsrfCheck): void {
  admin.addHook("preValidation", (request, _reply, done) => {
    // An unknown path is a 404 (or 405) page, whatever the form holds.
    if (isSafeMethod(request.method) || request.is404) return done();
    done(check(request, submittedToken(request)) ?? undefined);
  });
}

function submittedToken(request: FastifyRequest): unknown {
  const body = request.body;
  const field = typeof body === "object" && body !== null ? (body as Record<string, unknown>)[CSRF_FIELD] : undefined;
  return typeof field === "string" && field !== "" ? field : request.headers[CSRF_HEADER];
}

/**
 * The token every form of a page carries: the browser's `csrftoken` cookie, set (as
 * `GET /api/auth/csrf/` sets it) when the browser has none yet.
 */
export class FormCsrfTokens {
  private readonly cookies: BrowserCookies;
  /** Tokens set on a response, so that every form of one page carries the same. */
  private readonly issued = new WeakMap<FastifyRequest, string>();

  constructor(cookies: BrowserCookies) {
    this.cookies = cookies;
  }

  tokenFor(request: FastifyRequest, reply: FastifyReply): string {
    const current = this.issued.get(request) ?? request.cookies[CSRF_COOKIE];
    if (current !== undefined && current !== "") return current;
    const token = newCsrfToken();
    this.cookies.setCsrfToken(reply, token);
    this.issued.set(request, token);
    return token;
  }
}
