import cookie from "@fastify/cookie";
import cors from "@fastify/cors";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type {
  ChangePassword,
  Clock,
  CreateTask,
  DeleteTask,
  EndLogin,
  GetTask,
  ListLogins,
  ListTasks,
  LogIn,
  LogOut,
  RefreshSession,
  Register,
  ReplaceTask,
  ResolveCaller,
  RevokeLogins,
  UpdateTask,
  VerifyToken,
} from "@tasks/domain";
import type { Database } from "@tasks/persistence";
import type { Config, TrustProxy } from "@tasks/platform";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from "fastify";
import type { AdminUseCases } from "./admin/admin-use-cases.ts";
import { ADMIN_PREFIX } from "./admin/paths.ts";
import { adminSite } from "./admin/plugin.ts";
import { registerAuthentication } from "./http/authentication.ts";
import { BrowserSessions } from "./http/browser-sessions.ts";
import { BrowserCookies } from "./http/cookies.ts";
import { corsOptions, preflightCheck } from "./http/cors.ts";
import { csrfCheck, registerCsrfCheck } from "./http/csrf.ts";
import type { FastifyTypeBox } from "./http/fastify-typebox.ts";
import { hostCheck } from "./http/hosts.ts";
import { registerJsonParser } from "./http/json-body.ts";
import { allowedOrigins, originCheck } from "./http/origins.ts";
import { registerProblemHandlers, UnsupportedEncoding } from "./http/problems.ts";
import { clientErrorHandler, frameworkErrorHandler } from "./http/refusals.ts";
import { REQUEST_ID_HEADER, RequestLogController, requestIdOf } from "./http/request-logging.ts";
import { validatorCompiler } from "./http/schema-validator.ts";
import type { HttpSecurityEvents } from "./http/security-events.ts";
import { securityHeaders } from "./http/security-headers.ts";
import { Shutdown } from "./http/shutdown.ts";
import { authRoutes } from "./routes/auth.routes.ts";
import { registerDocsRoutes, registerOpenApi } from "./routes/docs.routes.ts";
import { healthRoutes } from "./routes/health.routes.ts";
import { taskRoutes } from "./routes/task.routes.ts";
import { SHARED_SCHEMAS } from "./schemas/shared.ts";

/** Request bodies larger than this are refused with 413. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** Every use case the server calls: the JSON API's, and the web admin's (which shares some). */
export interface UseCases extends AdminUseCases {
  /** The guard's check of every request to a protected route. */
  readonly resolveCaller: ResolveCaller;
  readonly logIn: LogIn;
  readonly refreshSession: RefreshSession;
  readonly logOut: LogOut;
  readonly verifyToken: VerifyToken;
  readonly endLogin: EndLogin;
  readonly revokeLogins: RevokeLogins;
  readonly listLogins: ListLogins;
  readonly changePassword: ChangePassword;
  /** Present only when REGISTRATION=open. */
  readonly register: Register | null;
  readonly listTasks: ListTasks;
  readonly getTask: GetTask;
  readonly createTask: CreateTask;
  readonly updateTask: UpdateTask;
  readonly replaceTask: ReplaceTask;
  readonly deleteTask: DeleteTask;
}

export type AppConfig = Pick<
  Config,
  | "production"
  | "corsOrigins"
  | "apiDocs"
  | "adminSite"
  | "publicUrl"
  | "allowedHosts"
  | "trustProxy"
  | "requestTimeoutMs"
  | "headersTimeoutMs"
  | "keepAliveTimeoutMs"
>;

export interface AppDependencies {
  readonly config: AppConfig;
  readonly useCases: UseCases;
  /** Where security events go (structured log lines). */
  readonly events: HttpSecurityEvents;
  /** Signs the cookies the server must trust it wrote itself (the web admin's messages). */
  readonly cookieSecret: string;
  readonly clock: Clock;
  /** For the readiness check. */
  readonly database: Pick<Database, "ping">;
  /** Silent when omitted. */
  readonly logger?: FastifyBaseLogger | undefined;
  /** Begun by the server on SIGTERM/SIGINT, before it closes the app; `app.close()` begins it too. */
  readonly shutdown?: Shutdown | undefined;
}

/**
 * Fastify's `trustProxy` for TRUST_PROXY. A hop count is given as a function: Fastify
 * trusts nothing for a plain number, since a direct client can forge the hops a count
 * trusts (an operator who sets a count promises that every connection comes through the
 * proxies), and X-Forwarded-Host, which that advisory was about, is never read here.
 */
function fastifyTrustProxy(trust: TrustProxy | undefined): FastifyServerOptions["trustProxy"] {
  if (trust === undefined) return false;
  if (typeof trust === "number") return (_address: string, hop: number) => hop < trust;
  return [...trust];
}

/** The HTTP API of CONTRACT.md section 1, built from its dependencies; not yet listening. */
export async function buildApp(deps: AppDependencies): Promise<FastifyTypeBox> {
  const headers = securityHeaders(deps.config.production);
  // What every answer carries, whichever path it takes.
  const stamp = (request: FastifyRequest, reply: FastifyReply) => {
    reply.headers(headers).header(REQUEST_ID_HEADER, request.id);
  };
  const app: FastifyTypeBox = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : {}),
    logController: new RequestLogController(deps.logger),
    genReqId: requestIdOf,
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { ignoreTrailingSlash: true },
    trustProxy: fastifyTrustProxy(deps.config.trustProxy),
    // A request that reaches a connection still open once closing has begun is served (with
    // Connection: close), not refused: the client sent it, and nothing is lost by answering.
    return503OnClosing: false,
    requestTimeout: deps.config.requestTimeoutMs,
    keepAliveTimeout: deps.config.keepAliveTimeoutMs,
    http: {
      // An HTTP/1.1 request without Host then meets the Host check, which answers it with
      // problem details, instead of Node's bare 400.
      requireHostHeader: false,
      headersTimeout: deps.config.headersTimeoutMs,
      // Node checks the header and request timeouts only this often (30 s by default), so a
      // slow client would otherwise hold its connection up to that much past its deadline.
      connectionsCheckingInterval: Math.min(1000, deps.config.headersTimeoutMs),
      requestTimeout: deps.config.requestTimeoutMs,
    },
    frameworkErrors: frameworkErrorHandler(stamp, BODY_LIMIT_BYTES),
    clientErrorHandler: clientErrorHandler(headers, () => app.log),
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
  registerProblemHandlers(app, BODY_LIMIT_BYTES, stamp);
  // JSON only, in UTF-8: any other content type is a 415.
  app.removeContentTypeParser("text/plain");
  registerJsonParser(app, BODY_LIMIT_BYTES);

  // Hooks on every request are callback-style: cheaper than async ones on the hot path.
  // The first one sets what every answer carries, then refuses a Host that is not served
  // before anything else (CORS, authentication, a route) sees the request.
  const checkHost = hostCheck(deps.config.allowedHosts);
  app.addHook("onRequest", (request, reply, done) => {
    stamp(request, reply);
    done(checkHost(request) ?? preflightCheck(request));
  });
  // Once shutting down, every answer ends its connection: a keep-alive client would
  // otherwise hold close() open after its last answer, or send its next request to a
  // connection about to close.
  const shutdown = deps.shutdown ?? new Shutdown();
  app.addHook("preClose", (done) => {
    shutdown.begin();
    done();
  });
  app.addHook("onSend", (_request, reply, payload, done) => {
    if (shutdown.started) reply.header("connection", "close");
    done(null, payload);
  });
  // Fastify would hand a compressed body to the JSON parser as it is.
  app.addHook("preParsing", (request, _reply, payload, done) => {
    const encoding = request.headers["content-encoding"];
    if (encoding === undefined || encoding.trim().toLowerCase() === "identity") done(null, payload);
    else done(new UnsupportedEncoding());
  });

  const origins = allowedOrigins(deps.config.corsOrigins);
  await app.register(cors, corsOptions(origins));
  await app.register(cookie, { secret: deps.cookieSecret });
  if (deps.config.apiDocs) await registerOpenApi(app);
  registerAuthentication(app, deps.useCases.resolveCaller);
  const checkCsrf = csrfCheck(originCheck(origins, deps.config.publicUrl), deps.events);
  registerCsrfCheck(app, checkCsrf);

  const cookies = new BrowserCookies(deps.config.production);
  const browserSessions = new BrowserSessions({ ...deps.useCases, cookies, now: () => deps.clock.now() });
  healthRoutes(app, { ping: (timeoutMs) => deps.database.ping(timeoutMs), shutdown });
  authRoutes(app, { ...deps.useCases, cookies, browserSessions });
  taskRoutes(app, { ...deps.useCases, publicUrl: deps.config.publicUrl });
  if (deps.config.apiDocs) await registerDocsRoutes(app, deps.config.publicUrl);
  if (deps.config.adminSite)
    await app.register(adminSite, {
      prefix: ADMIN_PREFIX,
      resolveCaller: deps.useCases.resolveCaller,
      useCases: deps.useCases,
      browserSessions,
      cookies,
      csrfCheck: checkCsrf,
      production: deps.config.production,
      bodyLimit: BODY_LIMIT_BYTES,
    });
  return app;
}
