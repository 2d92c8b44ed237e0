import createClient, { type Client } from "openapi-fetch";
import { ApiError, problemOf } from "./errors.ts";
import type { paths } from "./schema.ts";
import type { Me, TokenPair } from "./types.ts";

/** What a token login keeps: the access token sent with each request, the refresh token that renews it. */
export interface Tokens {
  readonly access: string;
  readonly refresh: string;
}

/**
 * Where the tokens live between page loads, when they should (say sessionStorage). The
 * default keeps them in memory only: a reload logs out.
 */
export interface TokenStorage {
  load(): Tokens | null;
  save(tokens: Tokens | null): void;
}

export interface TokenClientOptions {
  /** The server's origin, with any path prefix: `http://127.0.0.1:3000`. */
  readonly baseUrl: string;
  readonly storage?: TokenStorage;
  /** Called once the login is over without a call to logOut: the server refused the refresh token (401). */
  readonly onLoggedOut?: () => void;
  /** Defaults to the global fetch. */
  readonly fetch?: (request: Request) => Promise<Response>;
}

export interface TokenClient {
  /** The typed client: `api.GET("/api/tasks/", { params: { query: { page: 2 } } })`. */
  readonly api: Client<paths>;
  /** Logs in with a username and password; throws ApiError (401, 429, ...) when refused. */
  logIn(username: string, password: string): Promise<Me>;
  /** Revokes the login on the server (its tokens stop working at once) and forgets the tokens. */
  logOut(): Promise<void>;
  /** Whether a login is held. */
  readonly loggedIn: boolean;
}

// Sent without the access token, and never refreshed on a 401.
const AUTH_PATHS = ["/api/auth/login/", "/api/auth/refresh/", "/api/auth/logout/"];

/** A refresh's outcome: new tokens, or the server's answer when it gave none. */
type Renewal = { readonly tokens: Tokens } | { readonly refused: Response };

function memoryStorage(): TokenStorage {
  let tokens: Tokens | null = null;
  return {
    load: () => tokens,
    save: (next) => {
      tokens = next;
    },
  };
}

/**
 * A client that logs in for an access and a refresh token (simplejwt's way). Each request
 * carries `Authorization: Bearer <access>`; a 401 gets one refresh, shared by every
 * request that meets it meanwhile (the refresh token rotates: it can be spent only once),
 * then the request is sent again. When the refresh is refused, the login is over.
 */
export function createTokenClient(options: TokenClientOptions): TokenClient {
  const storage = options.storage ?? memoryStorage();
  const send = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const base = options.baseUrl.replace(/\/+$/, "");
  // Compared as parsed URLs (origin and path), as a Request holds its URL normalised:
  // `http://LOCALHOST:80/api` and `http://localhost/api` are one address.
  const basePath = new URL(base).pathname.replace(/\/+$/, "");
  const authPaths = new Set(AUTH_PATHS.map((path) => `${basePath}${path}`));
  const baseOrigin = new URL(base).origin;
  const isAuthUrl = (url: string) => {
    const parsed = new URL(url);
    return parsed.origin === baseOrigin && authPaths.has(parsed.pathname);
  };
  let refreshing: Promise<Renewal> | null = null;

  const post = (path: string, body: unknown) =>
    send(
      new Request(`${base}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    );

  const refresh = (spent: Tokens): Promise<Renewal> => {
    refreshing ??= (async () => {
      try {
        const response = await post("/api/auth/refresh/", { refresh: spent.refresh });
        if (!response.ok) {
          // A 401 ends the login (unless another login replaced it meanwhile); anything
          // else (a 503 while the database is down, a proxy's 502) leaves it for a later try.
          if (response.status === 401 && storage.load()?.refresh === spent.refresh) {
            storage.save(null);
            options.onLoggedOut?.();
          }
          return { refused: response };
        }
        const pair = (await response.json()) as TokenPair;
        const tokens = { access: pair.access, refresh: pair.refresh };
        storage.save(tokens);
        return { tokens };
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  };

  const authorized = (request: Request, access: string) => {
    const signed = new Request(request);
    signed.headers.set("authorization", `Bearer ${access}`);
    return signed;
  };

  const fetchWithTokens = async (request: Request): Promise<Response> => {
    const tokens = storage.load();
    if (tokens === null || isAuthUrl(request.url)) return send(request);
    // Kept for the one retry: a request's body can be read only once.
    const retry = request.clone();
    const response = await send(authorized(request, tokens.access));
    if (response.status !== 401) return response;
    // A refresh that ended after this request left already gave a new access token: use it.
    const current = storage.load();
    const renewal = current !== null && current.access !== tokens.access ? { tokens: current } : await refresh(tokens);
    if ("tokens" in renewal) return send(authorized(retry, renewal.tokens.access));
    // Logged out: the request's own 401. Otherwise why the refresh failed, for each request that waited on it.
    return renewal.refused.status === 401 ? response : renewal.refused.clone();
  };

  const api = createClient<paths>({ baseUrl: base, fetch: fetchWithTokens });

  return {
    api,
    async logIn(username, password) {
      const response = await post("/api/auth/login/", { username, password });
      if (!response.ok) throw new ApiError(await problemOf(response));
      const pair = (await response.json()) as TokenPair;
      storage.save({ access: pair.access, refresh: pair.refresh });
      const { data, error } = await api.GET("/api/auth/me/");
      if (error) throw new ApiError(error);
      return data;
    },
    async logOut() {
      const tokens = storage.load();
      storage.save(null);
      if (tokens === null) return;
      const response = await post("/api/auth/logout/", { refresh: tokens.refresh });
      // A login the server already ended (401) is as logged out as can be.
      if (!response.ok && response.status !== 401) throw new ApiError(await problemOf(response));
    },
    get loggedIn() {
      return storage.load() !== null;
    },
  };
}
