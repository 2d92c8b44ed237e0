import { randomBytes } from "node:crypto";
import type { CookieSerializeOptions } from "@fastify/cookie";
import type { FastifyReply } from "fastify";
import { schemeOf } from "./hosts.ts";

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
 * on the whole site, and `Secure` in production or when the request came over HTTPS (as a
 * trusted proxy's X-Forwarded-Proto says, behind one).
 */
export class BrowserCookies {
  private readonly production: boolean;

  constructor(production: boolean) {
    this.production = production;
  }

  private options(reply: FastifyReply, httpOnly: boolean, maxAge: number): CookieSerializeOptions {
    return { path: "/", sameSite: "lax", secure: this.secure(reply), httpOnly, maxAge };
  }

  /** Whether a cookie set on `reply` is `Secure`: in production, or when the request came over HTTPS. */
  secure(reply: FastifyReply): boolean {
    return this.production || schemeOf(reply.request) === "https";
  }

  /** Sets the session cookie, living until `expiresAt`, and a fresh CSRF token (Django rotates it at login). */
  startSession(reply: FastifyReply, key: string, expiresAt: Date, now: Date): void {
    const maxAge = Math.max(0, Math.ceil((expiresAt.getTime() - now.getTime()) / 1000));
    reply.setCookie(SESSION_COOKIE, key, this.options(reply, true, maxAge));
    this.setCsrfToken(reply, newCsrfToken());
  }

  /** Sets a CSRF token cookie. */
  setCsrfToken(reply: FastifyReply, token: string): void {
    reply.setCookie(CSRF_COOKIE, token, this.options(reply, false, CSRF_COOKIE_MAX_AGE_SECONDS));
  }

  /** Clears both cookies, with the attributes they were set with. */
  endSession(reply: FastifyReply): void {
    reply.clearCookie(SESSION_COOKIE, this.options(reply, true, 0));
    reply.clearCookie(CSRF_COOKIE, this.options(reply, false, 0));
  }
}

/** A new random CSRF token: 256 bits, URL-safe. */
export function newCsrfToken(): string {
  return randomBytes(32).toString("base64url");
}
