import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance, FastifySchema, RouteOptions } from "fastify";
import { CSRF_COOKIE, SESSION_COOKIE } from "../http/cookies.ts";
import { baseUrl } from "../http/hosts.ts";
import { type ProblemStatus, problemExample, problemResponses } from "../schemas/problem.schema.ts";

const PROBLEM_MEDIA_TYPE = "application/problem+json";

export const DOCS_PATH = "/api/docs/";
export const OPENAPI_PATH = "/api/openapi.json";

// The page loads only its own scripts and styles, and may not be framed.
const DOCS_PAGE_CSP =
  "default-src 'self'; base-uri 'self'; connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; " +
  "img-src 'self' data:; object-src 'none'; script-src 'self'; script-src-attr 'none'; style-src 'self' 'unsafe-inline'";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Either way in; with the cookie, unsafe methods also need the CSRF header. */
type SecurityRequirements = Record<string, string[]>[];
const SAFE_SECURITY: SecurityRequirements = [{ bearerAuth: [] }, { cookieAuth: [] }];
const UNSAFE_SECURITY: SecurityRequirements = [{ bearerAuth: [] }, { cookieAuth: [], csrfToken: [] }];
const SAFE_COOKIE_SECURITY: SecurityRequirements = [{ cookieAuth: [] }];
const UNSAFE_COOKIE_SECURITY: SecurityRequirements = [{ cookieAuth: [], csrfToken: [] }];

// An id in the examples of a path's problems, where the path has one.
const EXAMPLE_ID = "0192f0c4-5b7e-7c3a-9d2e-4f6a8b1c3d5e";

/**
 * Collects every route's schemas into an OpenAPI 3.1 document. Registered before the
 * routes, so that it sees them all.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Tasks API",
        version: "1.0.0",
        description:
          "Each user's own tasks. Scripts and apps log in at /api/auth/login/ and send the access token as " +
          "`Authorization: Bearer <token>`; browsers log in at /api/auth/session/ and send the `sessionid` " +
          "cookie, with the `X-CSRFToken` header (the `csrftoken` cookie's value) on unsafe methods. Every " +
          "error is RFC 9457 problem details. Paths end with a slash, as Django REST Framework writes them; " +
          "they work without it too.",
      },
      components: {
        securitySchemes: {
          bearerAuth: {
            type: "http",
            scheme: "bearer",
            bearerFormat: "JWT",
            description: "The access token from logIn or refreshToken.",
          },
          cookieAuth: {
            type: "apiKey",
            in: "cookie",
            name: SESSION_COOKIE,
            description: "A browser session from logInSession; the browser sends it by itself.",
          },
          csrfToken: {
            type: "apiKey",
            in: "header",
            name: "X-CSRFToken",
            description: `The value of the \`${CSRF_COOKIE}\` cookie (getCsrfToken sets it), on unsafe methods with the session cookie.`,
          },
        },
      },
      // Default deny, as in the server: a route is protected unless it declares `security: []`.
      security: SAFE_SECURITY,
      tags: [
        { name: "auth", description: "Logging in and out, tokens." },
        { name: "tasks", description: "The caller's tasks." },
        { name: "health", description: "Liveness and readiness." },
      ],
    },
    transform: ({ schema, url, route }) => ({ schema: documentRoute(schema, url, route), url }),
    // A schema with an `$id` (Task, Problem, ...) becomes a named component that every
    // use refers to, so that generators name their types after it.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, index) =>
        typeof json.$id === "string" ? json.$id : `def-${index}`,
    },
  });
}

/**
 * What follows from how a route is set up, added to what it declares: the problems every
 * route can answer (a Host not served, a failure), those of the guard and of the CSRF
 * check on protected routes, those of a body, and which credentials it takes. Each
 * problem gets an example at the route's own path.
 */
function documentRoute(schema: FastifySchema | undefined, url: string, route: RouteOptions): FastifySchema {
  if (schema === undefined) return {};
  const config = route.config as { public?: boolean; csrf?: boolean; cookieOnly?: boolean } | undefined;
  const isPublic = config?.public === true;
  const unsafe = [route.method].flat().some((method) => !SAFE_METHODS.has(method));
  const implied: ProblemStatus[] = [400, 500];
  if (!isPublic) implied.push(401, 503);
  if ((!isPublic && unsafe) || config?.csrf === true) implied.push(403);
  if (schema.body !== undefined) implied.push(413, 415);

  const instance = url.replace(/:[^/]+/g, EXAMPLE_ID);
  // Integer-like keys keep ascending order, so the statuses are listed in order.
  const response: Record<string, unknown> = {
    ...problemResponses(implied),
    ...(schema.response as Record<string, unknown> | undefined),
  };
  for (const [status, documented] of Object.entries(response)) {
    const { content } = documented as { content?: Record<string, object> };
    const problem = content?.[PROBLEM_MEDIA_TYPE];
    const example = problemExample(Number(status), instance);
    if (problem !== undefined && example !== undefined)
      response[status] = { ...(documented as object), content: { [PROBLEM_MEDIA_TYPE]: { ...problem, example } } };
  }

  let security = schema.security;
  if (config?.csrf === true) security = [{ csrfToken: [] }];
  else if (config?.cookieOnly === true) security = unsafe ? UNSAFE_COOKIE_SECURITY : SAFE_COOKIE_SECURITY;
  else if (!isPublic) security = unsafe ? UNSAFE_SECURITY : SAFE_SECURITY;
  return { ...schema, response, ...(security === undefined ? {} : { security }) };
}

/**
 * The document at /api/openapi.json and the interactive page at /api/docs/, both public.
 * The document's `servers` is PUBLIC_URL when set, else the origin the request reached
 * (which the Host check allowed), so that a client generated or imported from it calls
 * the server it came from.
 */
export async function registerDocsRoutes(app: FastifyInstance, publicUrl: string | undefined): Promise<void> {
  await app.register(async (docs) => {
    docs.addHook("onRoute", (route) => {
      route.config = { ...route.config, public: true };
    });
    docs.get(OPENAPI_PATH, { schema: { hide: true } }, async (request) => ({
      ...app.swagger(),
      servers: [{ url: baseUrl(request, publicUrl), description: "This server." }],
    }));
    await docs.register(swaggerUi, {
      routePrefix: DOCS_PATH.slice(0, -1),
      staticCSP: DOCS_PAGE_CSP,
      uiConfig: { deepLinking: true, persistAuthorization: false },
    });
  });
}
