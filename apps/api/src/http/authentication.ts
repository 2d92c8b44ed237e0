import type { Credential, ResolveCaller, SessionState, User } from "@tasks/domain";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { SESSION_COOKIE } from "./cookies.ts";
import { NotAuthenticated } from "./problems.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Marks a route that needs no credential. Every other route requires one (default deny). */
    public?: boolean;
    /**
     * Marks a route that speaks of the session cookie itself (the browser session's own):
     * a Bearer caller has none to show or to end, and gets 401.
     */
    cookieOnly?: boolean;
  }

  interface FastifyRequest {
    /** The caller of a protected route, once the guard has let the request through. */
    user: User;
    /** The login the caller's credential belongs to, as the guard read it. */
    session: SessionState;
    /** How the caller authenticated: `null` on a public route. */
    credential: "token" | "cookie" | null;
  }
}

// `Authorization: Bearer <token>`, the scheme in any case (RFC 9110 section 11.1).
const BEARER = /^Bearer +([^\s]+) *$/i;
// An Authorization header of the Bearer scheme, well formed or not.
const BEARER_SCHEME = /^Bearer(?: |$)/i;

/**
 * The guard: every request whose route is not marked `config: { public: true }` must
 * carry a credential, so a route that forgets to say it is public is protected. With a
 * Bearer `Authorization` header, its token is the credential and the cookie is not looked
 * at; otherwise the `sessionid` cookie is, whatever other scheme the header names (a
 * proxy's HTTP Basic login in front of a staging site, say), as in DRF, whose JWT
 * authentication passes on a header of another scheme. The `ResolveCaller` use case answers the
 * user and the login in one look-up, refusing a login that was revoked or has ended and a
 * user deleted, deactivated or given a new password since.
 */
export function registerAuthentication(app: FastifyInstance, resolveCaller: ResolveCaller): void {
  app.decorateRequest("user", null as unknown as User);
  app.decorateRequest("session", null as unknown as SessionState);
  app.decorateRequest("credential", null);
  app.addHook("onRequest", (request, _reply, done) => {
    if (request.is404 || request.routeOptions.config.public === true) return done();
    const authorization = request.headers.authorization;
    const bearer = authorization !== undefined && BEARER_SCHEME.test(authorization);
    const sessionKey = bearer ? undefined : request.cookies[SESSION_COOKIE];
    const token = bearer ? BEARER.exec(authorization)?.[1] : undefined;
    if (token === undefined && sessionKey === undefined) return done(new NotAuthenticated());
    if (bearer && request.routeOptions.config.cookieOnly === true) return done(new NotAuthenticated());
    const credential = token !== undefined ? { accessToken: token } : { sessionKey: sessionKey as string };
    identifyCaller(request, resolveCaller, credential).then(() => done(), done);
  });
}

/**
 * Resolves `credential` to the caller and their login (refusing one that is not live) and
 * sets them on the request. The guard's step, and the web admin's for its cookie.
 */
export async function identifyCaller(
  request: FastifyRequest,
  resolveCaller: ResolveCaller,
  credential: Credential,
): Promise<void> {
  const caller = await resolveCaller.execute(credential);
  request.user = caller.user;
  request.session = caller.session;
  request.credential = "accessToken" in credential ? "token" : "cookie";
}
