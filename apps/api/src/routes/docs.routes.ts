import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";

export const DOCS_PATH = "/api/docs/";
export const OPENAPI_PATH = "/api/openapi.json";

// The page loads only its own scripts and styles, and may not be framed.
const DOCS_PAGE_CSP =
  "default-src 'self'; base-uri 'self'; connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; " +
  "img-src 'self' data:; object-src 'none'; script-src 'self'; script-src-attr 'none'; style-src 'self' 'unsafe-inline'";

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
          "error is RFC 9457 problem details.",
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
          cookieAuth: {
            type: "apiKey",
            in: "cookie",
            name: "sessionid",
            description: "A browser session; unsafe methods also need X-CSRFToken equal to the csrftoken cookie.",
          },
        },
      },
      // Default deny, as in the server: a route is protected unless it declares `security: []`.
      security: [{ bearerAuth: [] }, { cookieAuth: [] }],
      tags: [
        { name: "auth", description: "Logging in and out, tokens." },
        { name: "tasks", description: "The caller's tasks." },
        { name: "health", description: "Liveness and readiness." },
      ],
    },
  });
}

/** The document at /api/openapi.json and the interactive page at /api/docs/, both public. */
export async function registerDocsRoutes(app: FastifyInstance): Promise<void> {
  await app.register(async (docs) => {
    docs.addHook("onRoute", (route) => {
      route.config = { ...route.config, public: true };
    });
    docs.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger());
    await docs.register(swaggerUi, {
      routePrefix: DOCS_PATH.slice(0, -1),
      staticCSP: DOCS_PAGE_CSP,
      uiConfig: { deepLinking: true, persistAuthorization: false },
    });
  });
}
