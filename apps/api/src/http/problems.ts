import { STATUS_CODES } from "node:http";
import {
  DomainError,
  type DomainErrorCode,
  InvalidToken,
  LoginThrottled,
  SchemaNotMigrated,
  ServiceUnavailable,
  UserGone,
  ValidationError,
} from "@tasks/domain";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { PROBLEM_CONTENT_TYPE, type Problem } from "../schemas/problem.schema.ts";

/** A protected route was called without a bearer token (or with a malformed Authorization header). */
export class NotAuthenticated extends Error {
  readonly code = "NOT_AUTHENTICATED";

  constructor() {
    super("Authentication credentials were not provided.");
  }
}

/** The request's Host header is missing, malformed, repeated, or names a host that is not allowed (ALLOWED_HOSTS). */
export class InvalidHost extends Error {
  readonly code = "INVALID_HOST";
}

/** A request acting with the session cookie failed Django's CSRF check. */
export class CsrfFailed extends Error {
  readonly code = "CSRF_FAILED";

  constructor(reason: string) {
    super(`CSRF Failed: ${reason}`);
  }
}

/** The request body is compressed (Content-Encoding), which this API does not read. */
export class UnsupportedEncoding extends Error {
  readonly code = "UNSUPPORTED_ENCODING";

  constructor() {
    super("Send the request body without a Content-Encoding: this server reads only identity bodies.");
  }
}

/** An OPTIONS request without the Origin and Access-Control-Request-Method of a CORS preflight. */
export class InvalidPreflight extends Error {
  readonly code = "INVALID_PREFLIGHT";

  constructor() {
    super("An OPTIONS request is a CORS preflight: send Origin and Access-Control-Request-Method.");
  }
}

/** A JSON body whose bytes are not UTF-8. */
export class InvalidUtf8Body extends Error {
  readonly code = "INVALID_UTF8_BODY";

  constructor() {
    super("The request body is not valid UTF-8.");
  }
}

/** The errors only the HTTP layer raises. */
export type ApiError =
  | NotAuthenticated
  | InvalidHost
  | CsrfFailed
  | UnsupportedEncoding
  | InvalidPreflight
  | InvalidUtf8Body;
export type ApiErrorCode = ApiError["code"];

interface ProblemType {
  readonly status: number;
  readonly title: string;
  readonly slug: string;
}

/**
 * The HTTP face of each error code: one table, read by the one error handler. Typed over
 * every code there is, so a code without a row here does not compile.
 */
const PROBLEM_TYPES: Readonly<Record<DomainErrorCode | ApiErrorCode, ProblemType>> = {
  VALIDATION_FAILED: { status: 400, title: "Invalid input", slug: "validation-failed" },
  INVALID_HOST: { status: 400, title: "Invalid host", slug: "invalid-host" },
  INVALID_PREFLIGHT: { status: 400, title: "Invalid preflight request", slug: "invalid-preflight" },
  INVALID_UTF8_BODY: { status: 400, title: "Bad Request", slug: "invalid-utf8-body" },
  INVALID_CREDENTIALS: { status: 401, title: "Invalid credentials", slug: "invalid-credentials" },
  INVALID_TOKEN: { status: 401, title: "Invalid token", slug: "invalid-token" },
  INVALID_SESSION: { status: 401, title: "Not authenticated", slug: "invalid-session" },
  CSRF_FAILED: { status: 403, title: "Forbidden", slug: "csrf-failed" },
  PERMISSION_DENIED: { status: 403, title: "Forbidden", slug: "permission-denied" },
  NOT_AUTHENTICATED: { status: 401, title: "Not authenticated", slug: "not-authenticated" },
  // Every UserGone that reaches the API names the caller: the use cases turn an owner named
  // in a form into the form's error, and a raced login into InvalidCredentials.
  USER_GONE: { status: 401, title: "Not authenticated", slug: "user-gone" },
  TASK_NOT_FOUND: { status: 404, title: "Not found", slug: "not-found" },
  USER_NOT_FOUND: { status: 404, title: "Not found", slug: "not-found" },
  LOGIN_NOT_FOUND: { status: 404, title: "Not found", slug: "not-found" },
  PAGE_NOT_FOUND: { status: 404, title: "Invalid page", slug: "page-not-found" },
  UNSUPPORTED_ENCODING: { status: 415, title: "Unsupported Media Type", slug: "unsupported-content-encoding" },
  LOGIN_THROTTLED: { status: 429, title: "Too many failed logins", slug: "login-throttled" },
  SERVICE_UNAVAILABLE: { status: 503, title: "Service unavailable", slug: "service-unavailable" },
  SCHEMA_NOT_MIGRATED: { status: 503, title: "Service unavailable", slug: "schema-not-migrated" },
};

/** Sentences for Fastify's own client errors, whose messages are written for developers. */
const FRAMEWORK_DETAILS: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: "The request body is not valid JSON.",
  FST_ERR_CTP_EMPTY_JSON_BODY: "The request body is empty, but its content type says it is JSON.",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "Send the request body as application/json.",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "The Content-Length header does not match the body.",
  FST_ERR_BAD_URL: "The request URL is malformed.",
  FST_ERR_MAX_PARAM_LENGTH: "A segment of the request path is longer than this server accepts.",
};

const RETRY_AFTER_UNAVAILABLE_SECONDS = 5;

interface ProblemReply {
  readonly problem: Problem;
  readonly headers: Readonly<Record<string, string>>;
}

/** Turns any error into problem details: the only place where errors meet status codes. */
export function problemFor(error: unknown, request: FastifyRequest, bodyLimit: number): ProblemReply {
  const instance = request.url.split("?")[0] ?? "/";
  if (
    error instanceof DomainError ||
    error instanceof NotAuthenticated ||
    error instanceof InvalidHost ||
    error instanceof CsrfFailed ||
    error instanceof UnsupportedEncoding ||
    error instanceof InvalidPreflight ||
    error instanceof InvalidUtf8Body
  ) {
    const known = PROBLEM_TYPES[error.code];
    const problem: Problem = {
      type: `urn:tasks:problem:${known.slug}`,
      title: known.title,
      status: known.status,
      detail: error.message,
      instance,
    };
    if (error instanceof ValidationError) problem.errors = { ...error.errors } as Record<string, string[]>;
    return { problem, headers: headersFor(error, known.status, request) };
  }
  const status = (error as Partial<FastifyError>).statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    return {
      problem: {
        type: "about:blank",
        title: STATUS_CODES[status] ?? "Client error",
        status,
        detail: frameworkDetail(error as FastifyError, bodyLimit),
        instance,
      },
      headers: {},
    };
  }
  return {
    problem: {
      type: "about:blank",
      title: "Internal Server Error",
      status: 500,
      detail: `Something went wrong on our side. It has been logged under request id ${request.id}.`,
      instance,
    },
    headers: {},
  };
}

function headersFor(error: Error, status: number, request: FastifyRequest): Record<string, string> {
  // A bearer token whose user was deleted while the request ran is as dead as a revoked one.
  const deadToken = error instanceof InvalidToken || (error instanceof UserGone && request.credential === "token");
  if (status === 401)
    return { "www-authenticate": deadToken ? 'Bearer realm="api", error="invalid_token"' : 'Bearer realm="api"' };
  if (error instanceof LoginThrottled) return { "retry-after": String(error.retryAfterSeconds) };
  if (error instanceof ServiceUnavailable || error instanceof SchemaNotMigrated)
    return { "retry-after": String(RETRY_AFTER_UNAVAILABLE_SECONDS) };
  // RFC 9110 section 12.5.3: a 415 for a content coding says which codings are accepted.
  if (error instanceof UnsupportedEncoding) return { "accept-encoding": "identity" };
  return {};
}

function frameworkDetail(error: FastifyError, bodyLimit: number): string {
  if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE")
    return `The request body is larger than the limit of ${bodyLimit / 1024} KiB.`;
  return FRAMEWORK_DETAILS[error.code] ?? error.message;
}

export function sendProblem(reply: FastifyReply, { problem, headers }: ProblemReply): FastifyReply {
  return reply.code(problem.status).headers(headers).type(PROBLEM_CONTENT_TYPE).send(problem);
}

/** What `onResponse` logging reads: the error behind a 5xx, kept off the wire. */
export const SERVER_ERROR = Symbol("server error");

declare module "fastify" {
  interface FastifyRequest {
    [SERVER_ERROR]?: unknown;
  }
}

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;

/** The methods `path` has routes for: none for an unknown path, others for a known path called with the wrong one (405). */
export function allowedMethods(app: FastifyInstance, path: string): string[] {
  return METHODS.filter((method) => app.findRoute({ method, url: path }) !== null);
}

/**
 * One error handler for every layer (`stamp` sets the headers every answer carries), and a not-found handler that tells an unknown
 * path (404) from a known path called with the wrong method (405 with `Allow`).
 */
export function registerProblemHandlers(
  app: FastifyInstance,
  bodyLimit: number,
  stamp: (request: FastifyRequest, reply: FastifyReply) => void,
): void {
  app.setErrorHandler((error, request, reply) => {
    // Again here: Fastify's fallback for a method no router knows (PRI, which Node's
    // parser reads in a request line without a version) sends its 404 through this
    // handler without running any hook.
    stamp(request, reply);
    const answer = problemFor(error, request, bodyLimit);
    if (answer.problem.status >= 500) request[SERVER_ERROR] = error;
    return sendProblem(reply, answer);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0] ?? "/";
    const allowed = allowedMethods(app, path);
    const instance = path;
    if (allowed.length === 0)
      return sendProblem(reply, {
        problem: {
          type: "about:blank",
          title: "Not Found",
          status: 404,
          detail: `No resource at ${path}.`,
          instance,
        },
        headers: {},
      });
    return sendProblem(reply, {
      problem: {
        type: "about:blank",
        title: "Method Not Allowed",
        status: 405,
        detail: `Method "${request.method}" is not allowed here. Allowed: ${allowed.join(", ")}.`,
        instance,
      },
      headers: { allow: [...allowed, "OPTIONS"].join(", ") },
    });
  });
}
