import type {
  ChangePassword,
  EndLogin,
  ListLogins,
  LogIn,
  LogOut,
  RefreshSession,
  Register,
  RevokeLogins,
  VerifyToken,
} from "@tasks/domain";
import type { FastifyRequest } from "fastify";
import Type from "typebox";
import { type BrowserSessions, clientOf } from "../http/browser-sessions.ts";
import { type BrowserCookies, CSRF_COOKIE, newCsrfToken } from "../http/cookies.ts";
import type { FastifyTypeBox } from "../http/fastify-typebox.ts";
import {
  EmptySchema,
  LoginIdParamsSchema,
  LoginListSchema,
  LoginSchema,
  MeSchema,
  PasswordChangeSchema,
  RefreshSchema,
  RegisterSchema,
  SessionUserSchema,
  TokenPairSchema,
  toLoginResource,
  toMeResource,
  toTokenPairResource,
  VerifySchema,
} from "../schemas/auth.schema.ts";
import { problemResponses } from "../schemas/problem.schema.ts";
import { ref } from "../schemas/ref.ts";

export interface AuthDependencies {
  readonly logIn: LogIn;
  readonly refreshSession: RefreshSession;
  readonly logOut: LogOut;
  readonly verifyToken: VerifyToken;
  readonly endLogin: EndLogin;
  readonly revokeLogins: RevokeLogins;
  readonly listLogins: ListLogins;
  readonly changePassword: ChangePassword;
  /** Present only when REGISTRATION=open: otherwise its route does not exist (404). */
  readonly register: Register | null;
  readonly cookies: BrowserCookies;
  readonly browserSessions: BrowserSessions;
}

const NO_CONTENT = { 204: Type.Null({ description: "Done." }) };

const WRONG_CREDENTIALS = "Wrong username or password: one and the same answer for an unknown or inactive user.";
const BAD_REFRESH = "The refresh token is invalid, expired, or its login has ended.";

/**
 * Logging in and out with tokens (our paths and simplejwt's default ones, which a
 * frontend written for simplejwt calls), browser sessions with Django's cookies, the
 * caller's logins, their password, and sign-up when it is open.
 */
export function authRoutes(app: FastifyTypeBox, deps: AuthDependencies): void {
  const tokenLogin = {
    config: { public: true },
    schema: {
      tags: ["auth"],
      operationId: "logIn",
      summary: "Log in (tokens)",
      description:
        "A new access and refresh token pair. A wrong password, an unknown user and an inactive user all get the same 401. Failed logins are " +
        "limited per username and per client address; past the limit, 429 with Retry-After.",
      security: [],
      body: LoginSchema,
      response: { 200: ref(TokenPairSchema), ...problemResponses([401, 429, 503], { 401: WRONG_CREDENTIALS }) },
    },
  };
  const logIn = async (request: FastifyRequest<{ Body: Type.Static<typeof LoginSchema> }>) => {
    const result = await deps.logIn.execute({ ...request.body, kind: "token", client: clientOf(request) });
    if (result.kind !== "token") throw new Error("a token login answered no pair");
    return toTokenPairResource(result.pair);
  };
  app.post("/api/auth/login/", tokenLogin, logIn);
  app.post(
    "/api/token/",
    {
      ...tokenLogin,
      schema: { ...tokenLogin.schema, operationId: "tokenObtainPair", summary: "Log in (simplejwt)" },
    },
    logIn,
  );

  const refresh = {
    config: { public: true },
    schema: {
      tags: ["auth"],
      operationId: "refreshToken",
      summary: "Refresh tokens",
      description:
        "Spends a refresh token for a new pair (rotation). The refresh token presented is spent. Presented again within REFRESH_REUSE_WINDOW (a retry, a second " +
        "tab) it gets the same pair; later, it revokes the whole login (401).",
      security: [],
      body: RefreshSchema,
      response: {
        200: ref(TokenPairSchema),
        ...problemResponses([401, 503], {
          401: "The refresh token is invalid or expired, its login has ended, or it was spent longer ago than REFRESH_REUSE_WINDOW (then its whole login is revoked).",
        }),
      },
    },
  };
  const rotate = async (request: FastifyRequest<{ Body: Type.Static<typeof RefreshSchema> }>) =>
    toTokenPairResource(await deps.refreshSession.execute({ refresh: request.body.refresh }));
  app.post("/api/auth/refresh/", refresh, rotate);
  app.post(
    "/api/token/refresh/",
    {
      ...refresh,
      schema: { ...refresh.schema, operationId: "tokenRefresh", summary: "Refresh tokens (simplejwt)" },
    },
    rotate,
  );

  app.post(
    "/api/auth/logout/",
    {
      config: { public: true },
      schema: {
        tags: ["auth"],
        operationId: "logOut",
        summary: "Log out (tokens)",
        description: "Log out: revoke the login this refresh token belongs to, its access tokens included.",
        security: [],
        body: RefreshSchema,
        response: { ...NO_CONTENT, ...problemResponses([401, 503], { 401: BAD_REFRESH }) },
      },
    },
    async (request, reply) => {
      await deps.logOut.execute({ refresh: request.body.refresh });
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/api/token/blacklist/",
    {
      config: { public: true },
      schema: {
        tags: ["auth"],
        operationId: "tokenBlacklist",
        summary: "Blacklist a refresh token (simplejwt)",
        description: "simplejwt's blacklist: revoke the login this refresh token belongs to.",
        security: [],
        body: RefreshSchema,
        response: { 200: EmptySchema, ...problemResponses([401, 503], { 401: BAD_REFRESH }) },
      },
    },
    async (request) => {
      await deps.logOut.execute({ refresh: request.body.refresh });
      return {};
    },
  );

  app.post(
    "/api/token/verify/",
    {
      config: { public: true },
      schema: {
        tags: ["auth"],
        operationId: "tokenVerify",
        summary: "Verify a token (simplejwt)",
        description: "simplejwt's verify: 200 when the token (access or refresh) is valid and its login alive.",
        security: [],
        body: VerifySchema,
        response: {
          200: EmptySchema,
          ...problemResponses([401, 503], { 401: "The token is invalid or expired, or its login has ended." }),
        },
      },
    },
    async (request) => {
      await deps.verifyToken.execute({ token: request.body.token });
      return {};
    },
  );

  app.get(
    "/api/auth/me/",
    {
      schema: {
        tags: ["auth"],
        operationId: "retrieveCurrentUser",
        summary: "Current user",
        description: "The user the credential speaks for.",
        response: { 200: ref(MeSchema) },
      },
    },
    async (request) => toMeResource(request.user),
  );

  app.get(
    "/api/auth/csrf/",
    {
      config: { public: true },
      schema: {
        tags: ["auth"],
        operationId: "getCsrfToken",
        summary: "Get the CSRF cookie",
        description: "Sets the csrftoken cookie when it is missing, for a browser app to send back as X-CSRFToken.",
        security: [],
        response: {
          204: Type.Null({
            description: "The csrftoken cookie is set (or already was).",
            headers: { "set-cookie": { type: "string", description: "csrftoken=<token>, when it was missing." } },
          }),
        },
      },
    },
    async (request, reply) => {
      if (!request.cookies[CSRF_COOKIE]) deps.cookies.setCsrfToken(reply, newCsrfToken());
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/api/auth/session/",
    {
      config: { public: true, csrf: true },
      schema: {
        tags: ["auth"],
        operationId: "logInSession",
        summary: "Log in (browser session)",
        description:
          "Sets the sessionid cookie (HttpOnly) and a fresh csrftoken. Needs the X-CSRFToken header (login CSRF). Same 401, throttle and timing as the token login.",
        security: [],
        body: LoginSchema,
        response: { 200: ref(SessionUserSchema), ...problemResponses([401, 429, 503], { 401: WRONG_CREDENTIALS }) },
      },
    },
    async (request, reply) => {
      return { user: toMeResource(await deps.browserSessions.start(request, reply, request.body)) };
    },
  );

  app.get(
    "/api/auth/session/",
    {
      schema: {
        tags: ["auth"],
        operationId: "retrieveSession",
        summary: "Current session",
        description: "The user of the browser session (401 without a live one).",
        response: { 200: ref(SessionUserSchema) },
      },
      config: { cookieOnly: true },
    },
    async (request) => ({ user: toMeResource(request.user) }),
  );

  app.delete(
    "/api/auth/session/",
    {
      schema: {
        tags: ["auth"],
        operationId: "logOutSession",
        summary: "Log out (browser session)",
        description: "Log out of the browser session: the login is revoked and both cookies cleared.",
        response: NO_CONTENT,
      },
      config: { cookieOnly: true },
    },
    async (request, reply) => {
      await deps.browserSessions.end(request, reply);
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/api/auth/sessions/",
    {
      schema: {
        tags: ["auth"],
        operationId: "listLogins",
        summary: "List logins",
        description: "The caller's live logins, newest first.",
        response: { 200: ref(LoginListSchema) },
      },
    },
    async (request) => {
      const logins = await deps.listLogins.execute({ userId: request.user.id });
      return { results: logins.map((login) => toLoginResource(login, request.session)) };
    },
  );

  app.delete(
    "/api/auth/sessions/",
    {
      schema: {
        tags: ["auth"],
        operationId: "revokeOtherLogins",
        summary: "Log out everywhere else",
        description: "Log out everywhere else: every login of the caller but this one is revoked.",
        response: NO_CONTENT,
      },
    },
    async (request, reply) => {
      await deps.revokeLogins.execute({ userId: request.user.id, reason: "user", exceptSessionId: request.session.id });
      return reply.code(204).send(null);
    },
  );

  app.delete(
    "/api/auth/sessions/:id/",
    {
      schema: {
        tags: ["auth"],
        operationId: "revokeLogin",
        summary: "Revoke a login",
        description: "Revoke one of the caller's logins: its tokens or cookie stop working at once.",
        params: LoginIdParamsSchema,
        response: { ...NO_CONTENT, ...problemResponses([404], { 404: "No such login of the caller's." }) },
      },
    },
    async (request, reply) => {
      const current = request.params.id === request.session.id;
      await deps.endLogin.execute({
        userId: request.user.id,
        sessionId: request.params.id,
        reason: current ? "logout" : "user",
      });
      if (current && request.credential === "cookie") deps.cookies.endSession(reply);
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/api/auth/password/",
    {
      schema: {
        tags: ["auth"],
        operationId: "changePassword",
        summary: "Change password",
        description: "Change the caller's password; every other login of theirs is revoked.",
        body: PasswordChangeSchema,
        response: {
          ...NO_CONTENT,
          ...problemResponses([400], {
            400: "Invalid input: a new_password the policy refuses, or a wrong old_password (`errors` names the field).",
          }),
        },
      },
    },
    async (request, reply) => {
      await deps.changePassword.execute({
        userId: request.user.id,
        sessionId: request.session.id,
        oldPassword: request.body.old_password,
        newPassword: request.body.new_password,
        clientAddress: request.ip,
      });
      return reply.code(204).send(null);
    },
  );

  const { register } = deps;
  if (register !== null)
    app.post(
      "/api/auth/register/",
      {
        config: { public: true },
        schema: {
          tags: ["auth"],
          operationId: "register",
          summary: "Sign up",
          description:
            "Only with REGISTRATION=open: a new, active, ordinary user. Throttled per client address like failed logins. A taken username is a 400 naming it.",
          security: [],
          body: RegisterSchema,
          response: {
            201: ref(MeSchema, { description: "Created." }),
            ...problemResponses([400, 429, 503], {
              400: "Invalid input, or a username that is taken (`errors` names `username`).",
            }),
          },
        },
      },
      async (request, reply) => {
        const user = await register.execute({ ...request.body, clientAddress: request.ip });
        return reply.code(201).send(toMeResource(user));
      },
    );
}
