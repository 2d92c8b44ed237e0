import { TaskNotFound, UserGone, UserNotFound, ValidationError } from "@tasks/domain";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { allowedMethods, CsrfFailed, problemFor, SERVER_ERROR } from "../http/problems.ts";
import { setAdminHeaders } from "./headers.ts";
import { loginUrl } from "./paths.ts";
import type { AdminPages } from "./render.ts";

/** A signed-in user who is not staff opened an admin page. */
export class NotStaff extends Error {
  constructor() {
    super("You are not authorized to access this page.");
  }
}

/**
 * For a look-up whose object may be gone (a history page, a confirmation page listing what
 * still exists): `null` when it is, while any other error (a database outage) goes on up
 * to its error page rather than leaving the object quietly out.
 */
export function nullIfNotFound(error: unknown): null {
  if (error instanceof TaskNotFound || error instanceof UserNotFound) return null;
  throw error;
}

/** What templates/error.eta shows. */
interface ErrorPage {
  readonly status: number;
  readonly title: string;
  readonly paragraphs: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The admin's answer to an error no page handled: an HTML page in Django's words. A 5xx
 * says only that something went wrong (the request log holds the error, under the
 * request id shown); every other status and header comes from the API's one mapping of
 * errors (`problemFor`), so that both answer alike.
 */
function errorPageFor(error: unknown, request: FastifyRequest, bodyLimit: number): ErrorPage {
  if (error instanceof CsrfFailed)
    return {
      status: 403,
      title: "Forbidden (403)",
      paragraphs: ["CSRF verification failed. Request aborted."],
      headers: {},
    };
  if (error instanceof NotStaff)
    return {
      status: 403,
      title: "Forbidden (403)",
      paragraphs: [
        `You are authenticated as ${request.user.username}, but are not authorized to access this page.`,
        "Log out, then log in with a staff account.",
      ],
      headers: {},
    };
  const { problem, headers } = problemFor(error, request, bodyLimit);
  const { "www-authenticate": _bearerOnly, ...kept } = headers;
  if (problem.status >= 500 && problem.status !== 503)
    return {
      status: 500,
      title: "Server error (500)",
      paragraphs: [
        "There's been an error. It's been logged and should be fixed shortly. Thanks for your patience.",
        `Request id: ${request.id}`,
      ],
      headers: kept,
    };
  return {
    status: problem.status,
    title: `${problem.title} (${problem.status})`,
    // A query the change list cannot take (an unknown ordering, a status that is none) says what is wrong with it.
    paragraphs: error instanceof ValidationError ? Object.values(error.errors).flat() : [problem.detail],
    headers: kept,
  };
}

/**
 * The admin's error and not-found handlers: HTML pages instead of the API's problem
 * details, for `/admin/...` only. A page whose own template fails to render falls back to
 * plain text, so that an error page never errs itself.
 */
export function registerErrorPages(admin: FastifyInstance, pages: AdminPages, bodyLimit: number): void {
  const show = async (request: FastifyRequest, reply: FastifyReply, page: ErrorPage) => {
    setAdminHeaders(reply);
    reply.headers(page.headers);
    try {
      return await pages.render(
        request,
        reply,
        "error",
        { title: page.title, paragraphs: page.paragraphs },
        page.status,
      );
    } catch (renderError) {
      request[SERVER_ERROR] ??= renderError;
      return reply.code(page.status).type("text/plain; charset=utf-8").send(page.title);
    }
  };

  admin.setErrorHandler(async (error, request, reply) => {
    // The staff member was deleted while the page ran: their login went with them, so the
    // browser goes to the login page, as with any login no longer live.
    if (error instanceof UserGone && error.userId === request.user?.id)
      return reply.redirect(loginUrl(request.url), 302);
    const page = errorPageFor(error, request, bodyLimit);
    if (page.status >= 500) request[SERVER_ERROR] = error;
    return show(request, reply, page);
  });

  admin.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split("?")[0] ?? "/";
    const allowed = allowedMethods(admin, path);
    if (allowed.length > 0)
      return show(request, reply, {
        status: 405,
        title: "Method Not Allowed (405)",
        paragraphs: [`Method "${request.method}" is not allowed here.`],
        headers: { allow: [...allowed, "OPTIONS"].join(", ") },
      });
    return show(request, reply, {
      status: 404,
      title: "Page not found",
      paragraphs: ["We're sorry, but the requested page could not be found."],
      headers: {},
    });
  });
}
