import type { FastifyReply, FastifyRequest } from "fastify";
import type { BrowserCookies } from "../http/cookies.ts";
import { INDEX_PATH } from "./paths.ts";

/** Django's message levels that the admin uses; each is a CSS class of `.messagelist`. */
export const MESSAGE_LEVELS = ["success", "info", "warning", "error"] as const;
export type MessageLevel = (typeof MESSAGE_LEVELS)[number];

export interface Message {
  readonly level: MessageLevel;
  readonly text: string;
}

/** Django's cookie storage's name. */
export const MESSAGES_COOKIE = "messages";
// Browsers keep about 4 KB a cookie: the oldest messages go first past this (Django drops them too).
const MAX_COOKIE_CHARS = 3000;

/**
 * Django's messages framework with its cookie storage: a page adds a message ("The task
 * “X” was added successfully.") before it redirects, and the next page rendered shows it
 * once. The cookie is signed with the server's cookie secret, so that nobody can make the
 * admin show a message it did not write; it lives under /admin/ only, HttpOnly.
 */
export class Messages {
  private readonly cookies: BrowserCookies;
  /** Messages not yet shown, per request: those its cookie brought plus those added since. */
  private readonly pendingOf = new WeakMap<FastifyRequest, Message[]>();

  constructor(cookies: BrowserCookies) {
    this.cookies = cookies;
  }

  /** Adds a message for the next page this browser is shown (this one, if it renders a page). */
  add(request: FastifyRequest, reply: FastifyReply, level: MessageLevel, text: string): void {
    const pending = this.pending(request);
    pending.push({ level, text });
    let value = JSON.stringify(pending.map((message) => [message.level, message.text]));
    while (pending.length > 1 && encodeURIComponent(value).length > MAX_COOKIE_CHARS) {
      pending.shift();
      value = JSON.stringify(pending.map((message) => [message.level, message.text]));
    }
    reply.setCookie(MESSAGES_COOKIE, value, { ...this.options(reply), signed: true });
  }

  /** The messages to show on the page being rendered, which are then gone. */
  take(request: FastifyRequest, reply: FastifyReply): Message[] {
    const pending = this.pending(request);
    this.pendingOf.set(request, []);
    if (pending.length > 0 || request.cookies[MESSAGES_COOKIE] !== undefined)
      reply.clearCookie(MESSAGES_COOKIE, this.options(reply));
    return pending;
  }

  private pending(request: FastifyRequest): Message[] {
    let pending = this.pendingOf.get(request);
    if (pending === undefined) {
      pending = fromCookie(request);
      this.pendingOf.set(request, pending);
    }
    return pending;
  }

  private options(reply: FastifyReply) {
    return { path: INDEX_PATH, httpOnly: true, sameSite: "lax", secure: this.cookies.secure(reply) } as const;
  }
}

/** The messages of the request's cookie; none when it is missing, not signed by us, or malformed. */
function fromCookie(request: FastifyRequest): Message[] {
  const raw = request.cookies[MESSAGES_COOKIE];
  if (raw === undefined) return [];
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || unsigned.value === null) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(unsigned.value);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((entry: unknown) =>
    Array.isArray(entry) && (MESSAGE_LEVELS as readonly unknown[]).includes(entry[0]) && typeof entry[1] === "string"
      ? [{ level: entry[0] as MessageLevel, text: entry[1] }]
      : [],
  );
}
