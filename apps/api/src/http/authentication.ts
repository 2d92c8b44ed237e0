import type { AuthorizeAccessToken, User } from "@tasks/domain";
import type { FastifyInstance } from "fastify";
import { NotAuthenticated } from "./problems.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Marks a route that needs no access token. Every other route requires one (default deny). */
    public?: boolean;
  }

  interface FastifyRequest {
    /** The caller of a protected route, once the guard has let the request through. */
    user: User;
  }
}

// `Authorization: Bearer <token>`, the scheme in any case (RFC 9110 section 11.1).
const BEARER = /^Bearer +([^\s]+) *$/i;

/**
 * The guard: every request whose route is not marked `config: { public: true }` must
 * carry `Authorization: Bearer <access token>`, so a route that forgets to say it is
 * public is protected. The token is checked by the `AuthorizeAccessToken` use case the
 * composition root built around the one `JwtTokenService`: the signature and claims, then
 * one look-up of the user by primary key, refusing a deleted or inactive user and a token
 * issued before the user's tokens were revoked.
 */
export function registerAuthentication(app: FastifyInstance, authorize: AuthorizeAccessToken): void {
  app.decorateRequest("user", null as unknown as User);
  app.addHook("onRequest", (request, _reply, done) => {
    if (request.is404 || request.routeOptions.config.public === true) return done();
    const token = BEARER.exec(request.headers.authorization ?? "")?.[1];
    if (token === undefined) return done(new NotAuthenticated());
    authorize.execute({ token }).then((user) => {
      request.user = user;
      done();
    }, done);
  });
}
