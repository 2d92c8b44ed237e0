import createClient, { type Client } from "openapi-fetch";
import { ApiError } from "./errors.ts";
import type { paths } from "./schema.ts";
import type { Me } from "./types.ts";

export interface SessionClientOptions {
  /** The server's origin, with any path prefix: `http://127.0.0.1:3000`. Another origin needs CORS, which allows localhost. */
  readonly baseUrl: string;
  /**
   * The `csrftoken` cookie's current value. Defaults to reading `document.cookie`: the
   * cookie belongs to the API's host, so this works when the page shares it (another port
   * of `localhost` does). Elsewhere, give a function that finds it.
   */
  readonly csrfToken?: () => string | undefined;
  /** Defaults to the global fetch. */
  readonly fetch?: (request: Request) => Promise<Response>;
}

export interface SessionClient {
  /** The typed client: `api.GET("/api/tasks/", { params: { query: { page: 2 } } })`. */
  readonly api: Client<paths>;
  /** Logs the browser in (the server sets the HttpOnly `sessionid` cookie); throws ApiError when refused. */
  logIn(username: string, password: string): Promise<Me>;
  /** The user of the session, or null without a live one. */
  currentUser(): Promise<Me | null>;
  /** Ends the session on the server, which clears both cookies. */
  logOut(): Promise<void>;
}

export const CSRF_COOKIE = "csrftoken";
const CSRF_HEADER = "X-CSRFToken";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** A cookie's value from a `document.cookie`-style string. */
export function cookieValue(cookies: string, name: string): string | undefined {
  for (const pair of cookies.split(";")) {
    const [key, ...value] = pair.trim().split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return undefined;
}

function documentCsrfToken(): string | undefined {
  const cookies = (globalThis as { document?: { cookie?: string } }).document?.cookie;
  return cookies === undefined ? undefined : cookieValue(cookies, CSRF_COOKIE);
}

/**
 * A client for a browser app that logs in once and never holds a token JavaScript could
 * read (Django's SessionAuthentication): the browser sends the `sessionid` cookie with
 * every request (`credentials: "include"`), and each unsafe method carries the
 * `X-CSRFToken` header, the `csrftoken` cookie's value, as Django's CSRF check wants.
 */
export function createSessionClient(options: SessionClientOptions): SessionClient {
  const send = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const csrfToken = options.csrfToken ?? documentCsrfToken;
  const base = options.baseUrl.replace(/\/+$/, "");

  // Read at each request: the server gives a fresh token at login.
  const withCsrfToken = (request: Request): Promise<Response> => {
    const token = csrfToken();
    if (!SAFE_METHODS.has(request.method) && token !== undefined) request.headers.set(CSRF_HEADER, token);
    return send(request);
  };

  const api = createClient<paths>({ baseUrl: base, fetch: withCsrfToken, credentials: "include" });

  return {
    api,
    async logIn(username, password) {
      // The login itself needs the CSRF header (no login CSRF): first get the cookie.
      if (csrfToken() === undefined) await api.GET("/api/auth/csrf/");
      const { data, error } = await api.POST("/api/auth/session/", { body: { username, password } });
      if (error) throw new ApiError(error);
      return data.user;
    },
    async currentUser() {
      const { data, error, response } = await api.GET("/api/auth/session/");
      if (response.status === 401) return null;
      if (error) throw new ApiError(error);
      return data.user;
    },
    async logOut() {
      const { error, response } = await api.DELETE("/api/auth/session/");
      // A session the server already ended (401) is as logged out as can be.
      if (error && response.status !== 401) throw new ApiError(error);
    },
  };
}
