import { InvalidCredentials, LoginThrottled, type ResolveCaller } from "@tasks/domain";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { BrowserSessions } from "../http/browser-sessions.ts";
import { identifyFromCookie } from "./access.ts";
import { safeNext } from "./paths.ts";
import type { AdminPages } from "./render.ts";

export interface LoginPagesDependencies {
  readonly pages: AdminPages;
  readonly browserSessions: BrowserSessions;
  readonly resolveCaller: ResolveCaller;
}

/** Django's words for a refused admin login: a wrong password, an unknown or inactive user, or one who is not staff. */
export const WRONG_STAFF_LOGIN =
  "Please enter the correct username and password for a staff account. Note that both fields may be case-sensitive.";
const REQUIRED = "This field is required.";

interface LoginForm {
  readonly username: string;
  readonly next: string;
  /** Above the form. */
  readonly error: string | null;
  /** Next to each field. */
  readonly fieldErrors: { readonly username: readonly string[]; readonly password: readonly string[] };
}

const NO_FIELD_ERRORS = { username: [], password: [] };

/** A form field's value, or "" when it is missing or sent more than once. */
function field(body: unknown, name: string): string {
  const value = typeof body === "object" && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === "string" ? value : "";
}

/**
 * Log in and log out. The admin's login is a browser session of the API (CONTRACT 1.7):
 * the same cookies, the same use case, throttle and security events, for staff only (a
 * rule of the domain's `LogIn`); logging out ends it as `DELETE /api/auth/session/` does.
 */
export function loginPages(admin: FastifyInstance, deps: LoginPagesDependencies): void {
  const { pages, browserSessions } = deps;
  const showForm = (request: FastifyRequest, reply: FastifyReply, form: LoginForm, status = 200) =>
    pages.render(request, reply, "login", { title: "Log in", userTools: false, ...form }, status);

  admin.get("/login/", { config: { adminAccess: "anyone" } }, async (request, reply) => {
    const next = safeNext((request.query as Record<string, unknown>).next);
    // Already signed in as staff: nothing to do here, as in Django.
    if ((await identifyFromCookie(request, deps.resolveCaller)) && request.user.isStaff)
      return reply.redirect(next, 302);
    return showForm(request, reply, { username: "", next, error: null, fieldErrors: NO_FIELD_ERRORS });
  });

  admin.post("/login/", { config: { adminAccess: "anyone" } }, async (request, reply) => {
    const username = field(request.body, "username");
    const password = field(request.body, "password");
    const next = safeNext(field(request.body, "next"));
    if (username === "" || password === "")
      return showForm(request, reply, {
        username,
        next,
        error: null,
        fieldErrors: { username: username === "" ? [REQUIRED] : [], password: password === "" ? [REQUIRED] : [] },
      });
    try {
      await browserSessions.start(request, reply, { username, password, staffOnly: true });
    } catch (error) {
      if (error instanceof InvalidCredentials)
        return showForm(request, reply, { username, next, error: WRONG_STAFF_LOGIN, fieldErrors: NO_FIELD_ERRORS });
      if (error instanceof LoginThrottled) {
        reply.header("retry-after", String(error.retryAfterSeconds));
        return showForm(request, reply, { username, next, error: error.message, fieldErrors: NO_FIELD_ERRORS }, 429);
      }
      throw error;
    }
    return reply.redirect(next, 303);
  });

  admin.post("/logout/", { config: { adminAccess: "anyone" } }, async (request, reply) => {
    if (await identifyFromCookie(request, deps.resolveCaller)) await browserSessions.end(request, reply);
    return pages.render(request, reply, "logged-out", { title: "Logged out", userTools: false });
  });
}
