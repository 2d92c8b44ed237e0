import { randomBytes } from "node:crypto";
import type { CookieSerializeOptions } from "@fastify/cookie";
import type { FastifyReply } from "fastify";

/** Django's names, so that a frontend written for a Django session backend works unchanged. */
export const SESSION_COOKIE = "sessionid";
export const CSRF_COOKIE = "csrftoken";
/** The header a browser app sends the CSRF cookie back in (axios's `xsrfHeaderName: "X-CSRFToken"`). */
export const CSRF_HEADER = "x-csrftoken";

// Django's CSRF_COOKIE_AGE: a year.
const CSRF_COOKIE_MAX_AGE_SECONDS = 365 * 86_400;

/**
 * The cookies of browser sessions: `sessionid` (HttpOnly: no script ever reads it) and
 * `csrftoken` (read by the app's script, to send back in X-CSRFToken), both `SameSite=Lax`
 * on the whole site, and `Secure` in production.
 */
export class BrowserCookies {
  private readonly secure: boolean;

  constructor(production: boolean) {
    this.secure = production;
  }

  private options(httpOnly: boolean, maxAge: number): CookieSerializeOptions {
    return { path: "/", sameSite: "lax", secure: this.secure, httpOnly, maxAge };
  }

  /** Sets the session cookie, living until `expiresAt`, and a fresh CSRF token (Django rotates it at login). */
  startSession(reply: FastifyReply, key: string, expiresAt: Date, now: Date): void {
    const maxAge = Math.max(0, Math.ceil((expiresAt.getTime() - now.getTime()) / 1000));
    reply.setCookie(SESSION_COOKIE, key, this.options(true, maxAge));
    this.setCsrfToken(reply, newCsrfToken());
  }

  /** Sets a CSRF token cookie. */
  setCsrfToken(reply: FastifyReply, token: string): void {
    reply.setCookie(CSRF_COOKIE, token, this.options(false, CSRF_COOKIE_MAX_AGE_SECONDS));
  }

  /** Clears both cookies, with the attributes they were set with. */
  endSession(reply: FastifyReply): void {
    reply.clearCookie(SESSION_COOKIE, this.options(true, 0));
    reply.clearCookie(CSRF_COOKIE, this.options(false, 0));
  }
}

/** A new random CSRF token: 256 bits, URL-safe. */
export function newCsrfToken(): string {
  return randomBytes(32).toString("base64url");
}
