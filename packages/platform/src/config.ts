import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { isIP } from "node:net";
import { join, resolve } from "node:path";
import { parseEnv } from "node:util";
import { parseDuration } from "./duration.ts";
import { ensurePrivateDirectory } from "./private-directory.ts";

/** Every variable the server and taskctl read (CONTRACT.md section 3, plus the tuning knobs). */
export const CONFIG_VARIABLES = [
  "NODE_ENV",
  "DATABASE_URL",
  "DATABASE_POOL_SIZE",
  "DATABASE_CONNECT_TIMEOUT",
  "DATABASE_STATEMENT_TIMEOUT",
  "DATA_DIR",
  "RUN_MIGRATIONS",
  "JWT_SECRET",
  "JWT_ISSUER",
  "JWT_AUDIENCE",
  "ACCESS_TOKEN_TTL",
  "REFRESH_TOKEN_TTL",
  "HOST",
  "PORT",
  "CORS_ORIGINS",
  "LOGIN_MAX_FAILURES",
  "LOGIN_FAILURE_WINDOW",
  "REDIS_URL",
  "LOG_LEVEL",
  "API_DOCS",
  "ADMIN_SITE",
  "PUBLIC_URL",
  "ALLOWED_HOSTS",
  "REFRESH_REUSE_WINDOW",
  "SESSION_TTL",
  "LOGIN_MAX_AGE",
  "REGISTRATION",
  "WEB_CONCURRENCY",
  "TRUST_PROXY",
  "REQUEST_TIMEOUT",
  "HEADERS_TIMEOUT",
  "KEEP_ALIVE_TIMEOUT",
  "SHUTDOWN_DRAIN",
] as const;

export type ConfigVariable = (typeof CONFIG_VARIABLES)[number];
export type Environment = Readonly<Record<string, string | undefined>>;

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const JWT_SECRET_MIN_BYTES = 32;
/** The hosts served outside production when neither ALLOWED_HOSTS nor PUBLIC_URL says otherwise. */
export const DEVELOPMENT_ALLOWED_HOSTS: readonly string[] = ["localhost", "127.0.0.1", "[::1]"];
const JWT_SECRET_FILE = "jwt-secret";

/**
 * Which peers' `X-Forwarded-For` and `X-Forwarded-Proto` are believed: a number of proxy
 * hops in front of the server, or the addresses/CIDRs (and proxy-addr's names `loopback`,
 * `linklocal`, `uniquelocal`) of the trusted proxies.
 */
export type TrustProxy = number | readonly string[];

const PROXY_ADDRESS_NAMES = ["loopback", "linklocal", "uniquelocal"];

export interface DatabaseConfig {
  /** A PostgreSQL server; `undefined` means the embedded database in `dataDir`. */
  readonly url: string | undefined;
  readonly dataDir: string;
  readonly poolSize: number;
  readonly connectTimeoutMs: number;
  readonly statementTimeoutMs: number;
}

export interface Config {
  readonly production: boolean;
  readonly database: DatabaseConfig;
  readonly runMigrations: boolean;
  /** `undefined` outside production when unset: a development secret is kept in DATA_DIR. */
  readonly jwtSecret: string | undefined;
  readonly jwtIssuer: string;
  readonly jwtAudience: string;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
  readonly host: string;
  readonly port: number;
  readonly corsOrigins: readonly string[];
  readonly loginMaxFailures: number;
  readonly loginFailureWindowSeconds: number;
  readonly redisUrl: string | undefined;
  readonly logLevel: LogLevel;
  readonly apiDocs: boolean;
  /** Whether the web admin is served at /admin/. */
  readonly adminSite: boolean;
  /**
   * Where absolute links point (`next`, `previous`): scheme, host, port and any path
   * prefix, without a trailing slash. `undefined`: links use the request's (allowed) host.
   */
  readonly publicUrl: string | undefined;
  /**
   * Host names whose requests are served, lower case, as in Django's ALLOWED_HOSTS: an
   * exact name (`api.example.com`, `[::1]`), `.example.com` for the domain and its
   * subdomains, or `*` for any. Always holds the host of `publicUrl`.
   */
  readonly allowedHosts: readonly string[];
  /** A spent refresh token presented again within this gets the pair its first use got. */
  readonly refreshReuseWindowSeconds: number;
  /** How long a browser session's cookie lives. */
  readonly sessionTtlSeconds: number;
  /** The absolute end of a login, however often it is refreshed. */
  readonly loginMaxAgeSeconds: number;
  /** Whether anyone may sign up at POST /api/auth/register/. */
  readonly registrationOpen: boolean;
  /** How many server processes share the port. */
  readonly webConcurrency: number;
  /** `undefined`: no proxy is trusted, the socket's address is the client's. */
  readonly trustProxy: TrustProxy | undefined;
  /** A request whose headers and body have not all arrived by then is cut off. */
  readonly requestTimeoutMs: number;
  /** A request whose headers have not all arrived by then is cut off (at most `requestTimeoutMs`). */
  readonly headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  readonly keepAliveTimeoutMs: number;
  /** After SIGTERM/SIGINT, how long requests are still served (readiness says 503) before the server stops accepting. */
  readonly shutdownDrainMs: number;
}

/** Invalid configuration: `problems` names each bad variable and what is wrong with it. */
export class ConfigError extends Error {
  readonly problems: readonly { variable: ConfigVariable; message: string }[];

  constructor(problems: readonly { variable: ConfigVariable; message: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** What a variable's parser returns instead of a value when the value is wrong. */
class Problem {
  readonly message: string;

  constructor(message: string) {
    this.message = message;
  }
}

/**
 * The process environment over the `.env` file of `cwd`, if there is one: a variable set
 * in the environment wins, as with Node's `--env-file`.
 */
export function readEnvironment(cwd: string = process.cwd(), env: Environment = process.env): Environment {
  const file = join(cwd, ".env");
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, "utf8")) : {};
  return { ...fromFile, ...env };
}

/** Validates every variable and reports all problems at once. `cwd` anchors a relative DATA_DIR. */
export function loadConfig(env: Environment, cwd: string = process.cwd()): Config {
  const problems: { variable: ConfigVariable; message: string }[] = [];
  const read = <T>(variable: ConfigVariable, fallback: T, parse: (raw: string) => T | Problem): T => {
    const raw = readString(env, variable);
    if (raw === undefined) return fallback;
    const parsed = parse(raw);
    if (parsed instanceof Problem) {
      problems.push({ variable, message: parsed.message });
      return fallback;
    }
    return parsed;
  };
  const positiveInteger = (raw: string) =>
    /^\d+$/.test(raw) && Number(raw) > 0
      ? Number(raw)
      : new Problem(`expected a whole number greater than 0, got "${raw}"`);
  const duration = (raw: string) =>
    parseDuration(raw) ?? new Problem(`expected a duration such as 900s, 15m, 2h or 7d, got "${raw}"`);
  const boolean = (raw: string) => {
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    return new Problem(`expected true or false, got "${raw}"`);
  };

  const production = env.NODE_ENV === "production";
  const url = readString(env, "DATABASE_URL");
  if (url !== undefined && !/^postgres(ql)?:\/\//.test(url))
    problems.push({ variable: "DATABASE_URL", message: "expected a postgres:// or postgresql:// URL" });
  const dataDirRaw = readString(env, "DATA_DIR");
  if (production && url === undefined && dataDirRaw === undefined)
    problems.push({
      variable: "DATABASE_URL",
      message: "required in production (or set DATA_DIR to use the embedded database on purpose)",
    });

  const jwtSecret = readString(env, "JWT_SECRET");
  if (jwtSecret !== undefined && Buffer.byteLength(jwtSecret, "utf8") < JWT_SECRET_MIN_BYTES)
    problems.push({ variable: "JWT_SECRET", message: `must be at least ${JWT_SECRET_MIN_BYTES} bytes long` });
  if (production && jwtSecret === undefined)
    problems.push({ variable: "JWT_SECRET", message: "required in production (no secret is generated there)" });

  const port = read("PORT", 3000, (raw) =>
    /^\d+$/.test(raw) && Number(raw) <= 65_535
      ? Number(raw)
      : new Problem(`expected a port number from 0 to 65535, got "${raw}"`),
  );
  const corsOrigins = (env.CORS_ORIGINS ?? "")
    .split(",")
    .map((origin) => origin.trim())
    .filter((origin) => origin.length > 0);
  for (const origin of corsOrigins)
    if (!isOrigin(origin))
      problems.push({ variable: "CORS_ORIGINS", message: `"${origin}" is not an origin like https://app.example.com` });
  const redisUrl = readString(env, "REDIS_URL");
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl))
    problems.push({ variable: "REDIS_URL", message: "expected a redis:// or rediss:// URL" });
  const publicUrl = read<string | undefined>("PUBLIC_URL", undefined, parsePublicUrl);
  const allowedHosts = (env.ALLOWED_HOSTS ?? "")
    .split(",")
    .map((host) => host.trim().toLowerCase())
    .filter((host) => host.length > 0);
  for (const host of allowedHosts)
    if (!isHostPattern(host))
      problems.push({
        variable: "ALLOWED_HOSTS",
        message: `"${host}" is not a host name like api.example.com, .example.com, [::1] or * (no scheme, no port)`,
      });
  if (production && publicUrl === undefined && allowedHosts.length === 0)
    problems.push({
      variable: "ALLOWED_HOSTS",
      message: "required in production (or set PUBLIC_URL): the host names this server answers to, comma-separated",
    });
  const logLevel = read<LogLevel>("LOG_LEVEL", "info", (raw) =>
    (LOG_LEVELS as readonly string[]).includes(raw)
      ? (raw as LogLevel)
      : new Problem(`expected one of ${LOG_LEVELS.join(", ")}, got "${raw}"`),
  );

  const webConcurrency = read("WEB_CONCURRENCY", 1, positiveInteger);
  if (webConcurrency > 1 && url === undefined)
    problems.push({
      variable: "WEB_CONCURRENCY",
      message:
        "more than one process needs DATABASE_URL: the embedded database belongs to one process (set WEB_CONCURRENCY=1, or use PostgreSQL)",
    });
  if (webConcurrency > 1 && redisUrl === undefined)
    problems.push({
      variable: "WEB_CONCURRENCY",
      message: "more than one process needs REDIS_URL, so that the failed-login limits count across the processes",
    });
  const requestTimeoutSeconds = read("REQUEST_TIMEOUT", 30, duration);
  const headersTimeoutSeconds = read("HEADERS_TIMEOUT", 10, duration);
  // Node refuses to start a server whose header timeout exceeds its request timeout.
  if (headersTimeoutSeconds > requestTimeoutSeconds)
    problems.push({ variable: "HEADERS_TIMEOUT", message: "must not be longer than REQUEST_TIMEOUT" });

  const config: Config = {
    production,
    database: {
      url,
      dataDir: resolve(cwd, dataDirRaw ?? ".data"),
      poolSize: read("DATABASE_POOL_SIZE", 10, positiveInteger),
      connectTimeoutMs: read("DATABASE_CONNECT_TIMEOUT", 5, duration) * 1000,
      statementTimeoutMs: read("DATABASE_STATEMENT_TIMEOUT", 10, duration) * 1000,
    },
    runMigrations: read("RUN_MIGRATIONS", true, boolean),
    jwtSecret,
    jwtIssuer: readString(env, "JWT_ISSUER") ?? "tasks-api",
    jwtAudience: readString(env, "JWT_AUDIENCE") ?? "tasks-api",
    accessTokenTtlSeconds: read("ACCESS_TOKEN_TTL", 15 * 60, duration),
    refreshTokenTtlSeconds: read("REFRESH_TOKEN_TTL", 7 * 86_400, duration),
    host: readString(env, "HOST") ?? "127.0.0.1",
    port,
    corsOrigins,
    loginMaxFailures: read("LOGIN_MAX_FAILURES", 10, positiveInteger),
    loginFailureWindowSeconds: read("LOGIN_FAILURE_WINDOW", 15 * 60, duration),
    redisUrl,
    logLevel,
    apiDocs: read("API_DOCS", true, boolean),
    adminSite: read("ADMIN_SITE", true, boolean),
    publicUrl,
    allowedHosts: servedHosts(allowedHosts, publicUrl, production),
    refreshReuseWindowSeconds: read("REFRESH_REUSE_WINDOW", 10, duration),
    sessionTtlSeconds: read("SESSION_TTL", 14 * 86_400, duration),
    loginMaxAgeSeconds: read("LOGIN_MAX_AGE", 30 * 86_400, duration),
    registrationOpen: read("REGISTRATION", false, (raw) =>
      raw === "open" ? true : raw === "closed" ? false : new Problem(`expected open or closed, got "${raw}"`),
    ),
    webConcurrency,
    trustProxy: read<TrustProxy | undefined>("TRUST_PROXY", undefined, parseTrustProxy),
    requestTimeoutMs: requestTimeoutSeconds * 1000,
    headersTimeoutMs: headersTimeoutSeconds * 1000,
    keepAliveTimeoutMs: read("KEEP_ALIVE_TIMEOUT", 5, duration) * 1000,
    shutdownDrainMs:
      read("SHUTDOWN_DRAIN", production ? 5 : 0, (raw) => (/^0+\s*[smhd]?$/.test(raw) ? 0 : duration(raw))) * 1000,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * The JWT secret: JWT_SECRET when set, otherwise (outside production only) a random one
 * generated on first use and kept in DATA_DIR, readable by its owner alone (see
 * `ensurePrivateDirectory`).
 */
export async function resolveJwtSecret(config: Config): Promise<string> {
  if (config.jwtSecret !== undefined) return config.jwtSecret;
  if (config.production) throw new ConfigError([{ variable: "JWT_SECRET", message: "required in production" }]);
  const file = join(config.database.dataDir, JWT_SECRET_FILE);
  ensurePrivateDirectory(config.database.dataDir);
  try {
    await writeFile(file, randomBytes(48).toString("base64url"), { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return (await readFile(file, "utf8")).trim();
}

function readString(env: Environment, variable: ConfigVariable): string | undefined {
  const value = env[variable]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

/**
 * ALLOWED_HOSTS as given, or by default (outside production, without PUBLIC_URL) the local
 * hosts; and always the host of PUBLIC_URL, which links use whatever the request says.
 */
function servedHosts(allowedHosts: readonly string[], publicUrl: string | undefined, production: boolean): string[] {
  const given =
    allowedHosts.length > 0 || production || publicUrl !== undefined ? allowedHosts : DEVELOPMENT_ALLOWED_HOSTS;
  return [...new Set([...given, ...(publicUrl === undefined ? [] : [new URL(publicUrl).hostname])])];
}

/** An http(s) URL without credentials, query or fragment, kept without its trailing slash. */
function parsePublicUrl(raw: string): string | Problem {
  // The value is not repeated: a URL with credentials in it would put them in the log.
  const problem = new Problem(
    "expected an http:// or https:// URL without credentials, query or fragment, such as https://tasks.example.com",
  );
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return problem;
  }
  if (!/^https?:$/.test(url.protocol) || url.username || url.password || /[?#]/.test(raw)) return problem;
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/**
 * A number of hops (`0`: none), or comma-separated addresses, CIDRs and proxy-addr's
 * names. `true` (trust anyone) is refused: any client could then pick its own address.
 */
function parseTrustProxy(raw: string): TrustProxy | undefined | Problem {
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops > 16) return new Problem(`expected at most 16 proxy hops, got "${raw}"`);
    return hops === 0 ? undefined : hops;
  }
  const entries = raw
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  const wrong = entries.find((entry) => !isProxyAddress(entry));
  if (wrong !== undefined || entries.length === 0)
    return new Problem(
      `expected a number of proxy hops, or addresses and CIDRs such as 10.0.0.0/8,::1 (or loopback, linklocal, uniquelocal), got "${wrong ?? raw}"`,
    );
  return entries;
}

function isProxyAddress(entry: string): boolean {
  if (PROXY_ADDRESS_NAMES.includes(entry)) return true;
  const [address = "", prefix, ...rest] = entry.split("/");
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

// Django's ALLOWED_HOSTS entries: a host name, an IPv6 literal in brackets, ".domain" or "*".
const HOST_PATTERN = /^(\*|\.?[a-z0-9-]+(\.[a-z0-9-]+)*|\[[a-f0-9]*:[a-f0-9.:]+\])$/;

function isHostPattern(value: string): boolean {
  return HOST_PATTERN.test(value);
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.origin === value;
  } catch {
    return false;
  }
}
