import { InvalidSession, type ResolveCaller } from "@tasks/domain";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { identifyCaller } from "../http/authentication.ts";
import { SESSION_COOKIE } from "../http/cookies.ts";
import { NotStaff } from "./errors.ts";
import { loginUrl } from "./paths.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /**
     * Who may open an admin page: a signed-in staff user (the default: an admin page
     * that forgets to say is protected), or anyone (the login and logged-out pages, the
     * stylesheet).
     */
    adminAccess?: "staff" | "anyone";
  }
}

/**
 * Resolves the request's `sessionid` cookie, as the API's guard does, onto `request.user`
 * and `request.session`. `false` when there is no cookie or its login is not live (logged
 * out, revoked, expired, its user deactivated); a bearer token is never looked at.
 */
export async function identifyFromCookie(request: FastifyRequest, resolveCaller: ResolveCaller): Promise<boolean> {
  const sessionKey = request.cookies[SESSION_COOKIE];
  if (sessionKey === undefined || sessionKey === "") return false;
  try {
    await identifyCaller(request, resolveCaller, { sessionKey });
    return true;
  } catch (error) {
    if (error instanceof InvalidSession) return false;
    throw error;
  }
}

/**
 * The admin's guard: every admin page not marked `config: { adminAccess: "anyone" }`
 * needs the session cookie of a live login of an active staff user. Without one, the
 * browser goes to the login page, which brings it back here afterwards; a signed-in user
 * who is not staff gets the 403 page. Route handlers then read the staff user from
 * `request.user` (a domain `User`) and their login from `request.session`.
 */
export function registerStaffGuard(admin: FastifyInstance, resolveCaller: ResolveCaller): void {
  admin.addHook("onRequest", async (request, reply) => {
    if (request.is404 || request.routeOptions.config.adminAccess === "anyone") return;
    if (!(await identifyFromCookie(request, resolveCaller))) return reply.redirect(loginUrl(request.url), 302);
    if (!request.user.isStaff) throw new NotStaff();
  });
}
