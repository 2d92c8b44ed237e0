import type { ClientInfo, EndLogin, LogIn, User } from "@tasks/domain";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { BrowserCookies } from "./cookies.ts";

export interface BrowserSessionsDependencies {
  readonly logIn: LogIn;
  readonly endLogin: EndLogin;
  readonly cookies: BrowserCookies;
  readonly now: () => Date;
}

/** The client as a login records it; its address also keys the failed-login throttle. */
export function clientOf(request: FastifyRequest): ClientInfo & { readonly address: string } {
  return { address: request.ip, userAgent: request.headers["user-agent"] ?? null };
}

/**
 * Browser sessions (CONTRACT 1.7) begun and ended the one way, for the API's session
 * routes and the web admin alike: a cookie login sets `sessionid` and a fresh `csrftoken`;
 * logging out revokes the login and clears both cookies.
 */
export class BrowserSessions {
  private readonly deps: BrowserSessionsDependencies;

  constructor(deps: BrowserSessionsDependencies) {
    this.deps = deps;
  }

  /** Logs in with a cookie (`staffOnly`: the web admin's); the domain's errors as they come. */
  async start(
    request: FastifyRequest,
    reply: FastifyReply,
    credentials: { readonly username: string; readonly password: string; readonly staffOnly?: boolean },
  ): Promise<User> {
    const result = await this.deps.logIn.execute({ ...credentials, kind: "cookie", client: clientOf(request) });
    if (result.kind !== "cookie") throw new Error("a cookie login answered no key");
    this.deps.cookies.startSession(reply, result.key, result.session.expiresAt, this.deps.now());
    return result.user;
  }

  /** Ends the login of the request's session cookie, which the guard has resolved. */
  async end(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    await this.deps.endLogin.execute({ userId: request.user.id, sessionId: request.session.id, reason: "logout" });
    this.deps.cookies.endSession(reply);
  }
}
