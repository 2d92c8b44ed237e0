import fastifyJwt from "@fastify/jwt";
import {
  AuthorizeAccessToken,
  type Clock,
  type TokenClaims,
  type TokenService,
  type User,
  type UserRepository,
} from "@tasks/domain";
import { jwtSignOptions, jwtVerifyOptions, type TokenPayload, type TokenSettings, verifyToken } from "@tasks/security";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { NotAuthenticated } from "./problems.ts";

declare module "@fastify/jwt" {
  interface FastifyJWT {
    payload: TokenPayload;
    /** The caller of a protected route, once the guard has let the request through. */
    user: User;
  }
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** Marks a route that needs no access token. Every other route requires one (default deny). */
    public?: boolean;
  }
}

export interface AuthenticationOptions {
  readonly tokenSettings: TokenSettings;
  readonly clock: Clock;
  readonly users: UserRepository;
}

/**
 * The guard. @fastify/jwt, registered from the same TokenSettings as the JwtTokenService
 * that issues the tokens, finds the bearer token and checks it once with the verifier it
 * built at start (signature, pinned algorithm, `typ`, `iss`, `aud`, `exp`, required
 * claims); `verifyToken`, which JwtTokenService uses too, adds the checks fast-jwt
 * cannot make (token type, future `iat`). The AuthorizeAccessToken use case gets that verifier as its token service and
 * does the rest: one look-up of the user by primary key, refusing a deleted or inactive
 * user and a token issued before the user's tokens were revoked.
 *
 * It runs on every request whose route is not marked `config: { public: true }`, so a
 * route that forgets to say it is public is protected.
 */
export async function registerAuthentication(app: FastifyInstance, options: AuthenticationOptions): Promise<void> {
  const { tokenSettings, clock, users } = options;
  await app.register(fastifyJwt, {
    secret: tokenSettings.secret,
    sign: jwtSignOptions(tokenSettings),
    verify: jwtVerifyOptions(tokenSettings),
  });

  const accessTokens: Pick<TokenService, "verifyAccessToken"> = {
    async verifyAccessToken(token: string): Promise<TokenClaims> {
      return verifyToken((value) => app.jwt.verify(value), token, "access", tokenSettings, clock.now());
    },
  };
  const authorize = new AuthorizeAccessToken({ users, tokens: accessTokens });

  const authenticate = async (request: FastifyRequest): Promise<void> => {
    let token: string;
    try {
      token = app.jwt.lookupToken(request);
    } catch {
      throw new NotAuthenticated();
    }
    request.user = await authorize.execute({ token });
  };
  app.addHook("onRequest", (request, _reply, done) => {
    if (request.is404 || request.routeOptions.config.public === true) return done();
    authenticate(request).then(() => done(), done);
  });
}
