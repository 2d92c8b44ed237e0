import type { LogIn, LogOut, RefreshSession } from "@tasks/domain";
import Type from "typebox";
import type { FastifyTypeBox } from "../http/fastify-typebox.ts";
import {
  LoginSchema,
  MeSchema,
  RefreshSchema,
  TokenPairSchema,
  toMeResource,
  toTokenPairResource,
} from "../schemas/auth.schema.ts";
import { PROBLEM_RESPONSES } from "../schemas/problem.schema.ts";

export interface AuthDependencies {
  readonly logIn: LogIn;
  readonly refreshSession: RefreshSession;
  readonly logOut: LogOut;
}

export function authRoutes(app: FastifyTypeBox, deps: AuthDependencies): void {
  app.post(
    "/api/auth/login/",
    {
      config: { public: true },
      schema: {
        tags: ["auth"],
        summary: "Log in: a new access and refresh token pair.",
        description:
          "A wrong password, an unknown user and an inactive user all get the same 401. Failed logins are " +
          "limited per username and per client address; past the limit, 429 with Retry-After.",
        security: [],
        body: LoginSchema,
        response: { 200: TokenPairSchema, ...PROBLEM_RESPONSES },
      },
    },
    async (request) => toTokenPairResource(await deps.logIn.execute({ ...request.body, clientAddress: request.ip })),
  );

  app.post(
    "/api/auth/refresh/",
    {
      config: { public: true },
      schema: {
        tags: ["auth"],
        summary: "Spend a refresh token for a new pair (rotation).",
        description:
          "The refresh token presented is spent. Presenting a spent one again revokes the whole login (401).",
        security: [],
        body: RefreshSchema,
        response: { 200: TokenPairSchema, ...PROBLEM_RESPONSES },
      },
    },
    async (request) => toTokenPairResource(await deps.refreshSession.execute({ refresh: request.body.refresh })),
  );

  app.post(
    "/api/auth/logout/",
    {
      config: { public: true },
      schema: {
        tags: ["auth"],
        summary: "Log out: revoke the login this refresh token belongs to.",
        security: [],
        body: RefreshSchema,
        response: { 204: Type.Null({ description: "Logged out." }), ...PROBLEM_RESPONSES },
      },
    },
    async (request, reply) => {
      await deps.logOut.execute({ refresh: request.body.refresh });
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/api/auth/me/",
    {
      schema: {
        tags: ["auth"],
        summary: "The user the access token speaks for.",
        response: { 200: MeSchema, ...PROBLEM_RESPONSES },
      },
    },
    async (request) => toMeResource(request.user),
  );
}
