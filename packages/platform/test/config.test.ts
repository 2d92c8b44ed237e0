import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, readEnvironment, resolveJwtSecret } from "../src/config.ts";

const SECRET = "s".repeat(32);

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, "/srv/app");
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.variable}: ${p.message}`);
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("defaults to the embedded database in ./.data and the contract's defaults", () => {
    const config = loadConfig({}, "/srv/app");
    expect(config.database).toEqual({
      url: undefined,
      dataDir: "/srv/app/.data",
      poolSize: 10,
      connectTimeoutMs: 5000,
      statementTimeoutMs: 10_000,
    });
    expect(config).toMatchObject({
      production: false,
      jwtSecret: undefined,
      accessTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 604_800,
      host: "127.0.0.1",
      port: 3000,
      corsOrigins: [],
      loginMaxFailures: 10,
      loginFailureWindowSeconds: 900,
      redisUrl: undefined,
      logLevel: "info",
      runMigrations: true,
      apiDocs: true,
      adminSite: true,
      publicUrl: undefined,
      allowedHosts: ["localhost", "127.0.0.1", "[::1]"],
      refreshReuseWindowSeconds: 10,
      sessionTtlSeconds: 14 * 86_400,
      loginMaxAgeSeconds: 30 * 86_400,
      registrationOpen: false,
      webConcurrency: 1,
      trustProxy: undefined,
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 5000,
      shutdownDrainMs: 0,
    });
  });

  it("reads every variable it is given", () => {
    const config = loadConfig(
      {
        DATABASE_URL: "postgres://u@db:5432/app",
        DATA_DIR: "var/data",
        JWT_SECRET: SECRET,
        ACCESS_TOKEN_TTL: "5m",
        REFRESH_TOKEN_TTL: "1d",
        HOST: "0.0.0.0",
        PORT: "8080",
        CORS_ORIGINS: "https://app.example.com, http://localhost:8000",
        LOGIN_MAX_FAILURES: "3",
        LOGIN_FAILURE_WINDOW: "60",
        REDIS_URL: "redis://127.0.0.1:6379",
        LOG_LEVEL: "debug",
        RUN_MIGRATIONS: "false",
        API_DOCS: "0",
        ADMIN_SITE: "false",
        DATABASE_POOL_SIZE: "4",
        PUBLIC_URL: "https://Tasks.Example.com/",
        ALLOWED_HOSTS: " API.example.com, .internal.example ,[::1],",
        REFRESH_REUSE_WINDOW: "3s",
        SESSION_TTL: "2d",
        LOGIN_MAX_AGE: "90d",
        REGISTRATION: "open",
        WEB_CONCURRENCY: "2",
      },
      "/srv/app",
    );
    expect(config).toMatchObject({
      database: { url: "postgres://u@db:5432/app", dataDir: "/srv/app/var/data", poolSize: 4 },
      jwtSecret: SECRET,
      accessTokenTtlSeconds: 300,
      refreshTokenTtlSeconds: 86_400,
      host: "0.0.0.0",
      port: 8080,
      corsOrigins: ["https://app.example.com", "http://localhost:8000"],
      loginMaxFailures: 3,
      loginFailureWindowSeconds: 60,
      redisUrl: "redis://127.0.0.1:6379",
      logLevel: "debug",
      runMigrations: false,
      apiDocs: false,
      adminSite: false,
      publicUrl: "https://tasks.example.com",
      allowedHosts: ["api.example.com", ".internal.example", "[::1]", "tasks.example.com"],
      refreshReuseWindowSeconds: 3,
      sessionTtlSeconds: 2 * 86_400,
      loginMaxAgeSeconds: 90 * 86_400,
      registrationOpen: true,
      webConcurrency: 2,
    });
  });

  it("runs several processes only on what they can share: PostgreSQL, and Redis for the login limits", () => {
    expect(problemsOf({ WEB_CONCURRENCY: "2" })).toEqual([
      "WEB_CONCURRENCY: more than one process needs DATABASE_URL: the embedded database belongs to one process (set WEB_CONCURRENCY=1, or use PostgreSQL)",
      "WEB_CONCURRENCY: more than one process needs REDIS_URL, so that the failed-login limits count across the processes",
    ]);
    expect(problemsOf({ WEB_CONCURRENCY: "two" })).toEqual([
      'WEB_CONCURRENCY: expected a whole number greater than 0, got "two"',
    ]);
    expect(
      loadConfig({ WEB_CONCURRENCY: "2", DATABASE_URL: "postgres://u@db/app", REDIS_URL: "redis://cache" }),
    ).toMatchObject({ webConcurrency: 2 });
  });

  it("names every bad variable at once", () => {
    expect(
      problemsOf({
        PORT: "70000",
        ACCESS_TOKEN_TTL: "soon",
        JWT_SECRET: "short",
        DATABASE_URL: "mysql://x",
        LOG_LEVEL: "loud",
        CORS_ORIGINS: "https://ok.example.com,not-an-origin,https://x.example.com/path",
        LOGIN_MAX_FAILURES: "0",
        REDIS_URL: "http://redis",
        REGISTRATION: "yes",
        SESSION_TTL: "forever",
        RUN_MIGRATIONS: "maybe",
        ADMIN_SITE: "admin",
        PUBLIC_URL: "ftp://tasks.example.com",
        ALLOWED_HOSTS: "api.example.com,https://api.example.com,api.example.com:443,under_score.example",
      }),
    ).toEqual([
      "DATABASE_URL: expected a postgres:// or postgresql:// URL",
      "JWT_SECRET: must be at least 32 bytes long",
      'PORT: expected a port number from 0 to 65535, got "70000"',
      'CORS_ORIGINS: "not-an-origin" is not an origin like https://app.example.com',
      'CORS_ORIGINS: "https://x.example.com/path" is not an origin like https://app.example.com',
      "REDIS_URL: expected a redis:// or rediss:// URL",
      "PUBLIC_URL: expected an http:// or https:// URL without credentials, query or fragment, such as https://tasks.example.com",
      'ALLOWED_HOSTS: "https://api.example.com" is not a host name like api.example.com, .example.com, [::1] or * (no scheme, no port)',
      'ALLOWED_HOSTS: "api.example.com:443" is not a host name like api.example.com, .example.com, [::1] or * (no scheme, no port)',
      'ALLOWED_HOSTS: "under_score.example" is not a host name like api.example.com, .example.com, [::1] or * (no scheme, no port)',
      'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      'RUN_MIGRATIONS: expected true or false, got "maybe"',
      'ACCESS_TOKEN_TTL: expected a duration such as 900s, 15m, 2h or 7d, got "soon"',
      'LOGIN_MAX_FAILURES: expected a whole number greater than 0, got "0"',
      'ADMIN_SITE: expected true or false, got "admin"',
      'SESSION_TTL: expected a duration such as 900s, 15m, 2h or 7d, got "forever"',
      'REGISTRATION: expected open or closed, got "yes"',
    ]);
  });

  it("defaults nothing insecure in production", () => {
    expect(problemsOf({ NODE_ENV: "production" })).toEqual([
      "DATABASE_URL: required in production (or set DATA_DIR to use the embedded database on purpose)",
      "JWT_SECRET: required in production (no secret is generated there)",
      "ALLOWED_HOSTS: required in production (or set PUBLIC_URL): the host names this server answers to, comma-separated",
    ]);
    const production = { NODE_ENV: "production", DATA_DIR: "/data", JWT_SECRET: SECRET };
    expect(loadConfig({ ...production, ALLOWED_HOSTS: "api.example.com" })).toMatchObject({
      production: true,
      publicUrl: undefined,
      allowedHosts: ["api.example.com"],
    });
  });

  it("serves only the host of PUBLIC_URL when ALLOWED_HOSTS is not set, in production and outside it", () => {
    for (const NODE_ENV of ["production", "development"])
      expect(
        loadConfig({ NODE_ENV, DATA_DIR: "/data", JWT_SECRET: SECRET, PUBLIC_URL: "https://example.com:8443/tasks/" }),
      ).toMatchObject({ publicUrl: "https://example.com:8443/tasks", allowedHosts: ["example.com"] });
    expect(loadConfig({ PUBLIC_URL: "http://[::1]:3000" })).toMatchObject({
      publicUrl: "http://[::1]:3000",
      allowedHosts: ["[::1]"],
    });
  });

  it("reads TRUST_PROXY as a hop count or a list of addresses, CIDRs and proxy-addr's names", () => {
    expect(loadConfig({ TRUST_PROXY: "2" }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: "0" }).trustProxy).toBeUndefined();
    expect(loadConfig({ TRUST_PROXY: " 10.0.0.0/8, 192.168.1.7 ,fd00::/8,::1,loopback" }).trustProxy).toEqual([
      "10.0.0.0/8",
      "192.168.1.7",
      "fd00::/8",
      "::1",
      "loopback",
    ]);
    for (const value of ["true", "10.0.0.0/33", "::1/129", "10.0.0/8", "proxy.example.com", "1/2/3", ",", "17"])
      expect(problemsOf({ TRUST_PROXY: value })).toEqual([
        expect.stringMatching(/^TRUST_PROXY: expected (a number of proxy hops|at most 16 proxy hops)/),
      ]);
  });

  it("reads the client timeouts and the shutdown drain, which is 5s in production and may be 0", () => {
    expect(
      loadConfig({ REQUEST_TIMEOUT: "1m", HEADERS_TIMEOUT: "20s", KEEP_ALIVE_TIMEOUT: "2s", SHUTDOWN_DRAIN: "3s" }),
    ).toMatchObject({
      requestTimeoutMs: 60_000,
      headersTimeoutMs: 20_000,
      keepAliveTimeoutMs: 2000,
      shutdownDrainMs: 3000,
    });
    const production = { NODE_ENV: "production", DATA_DIR: "/data", JWT_SECRET: SECRET, ALLOWED_HOSTS: "a.example" };
    expect(loadConfig(production).shutdownDrainMs).toBe(5000);
    expect(loadConfig({ ...production, SHUTDOWN_DRAIN: "0s" }).shutdownDrainMs).toBe(0);
    expect(problemsOf({ REQUEST_TIMEOUT: "5s" })).toEqual(["HEADERS_TIMEOUT: must not be longer than REQUEST_TIMEOUT"]);
    expect(problemsOf({ SHUTDOWN_DRAIN: "-1s", KEEP_ALIVE_TIMEOUT: "0" })).toEqual([
      'KEEP_ALIVE_TIMEOUT: expected a duration such as 900s, 15m, 2h or 7d, got "0"',
      'SHUTDOWN_DRAIN: expected a duration such as 900s, 15m, 2h or 7d, got "-1s"',
    ]);
  });

  it.each([
    "tasks.example.com",
    "https://user:secret@tasks.example.com",
    "https://tasks.example.com/?page=1",
    "https://tasks.example.com/#top",
    "https://",
  ])("refuses PUBLIC_URL=%j, naming it without repeating it", (value) => {
    expect(problemsOf({ PUBLIC_URL: value })).toEqual([
      "PUBLIC_URL: expected an http:// or https:// URL without credentials, query or fragment, such as https://tasks.example.com",
    ]);
  });
});

describe("readEnvironment", () => {
  it("reads .env under the process environment, which wins", async () => {
    const dir = await mkdtemp(join(tmpdir(), "config-"));
    await writeFile(join(dir, ".env"), "PORT=4000\nHOST=0.0.0.0\n");
    expect(readEnvironment(dir, { PORT: "5000" })).toMatchObject({ PORT: "5000", HOST: "0.0.0.0" });
    expect(readEnvironment(join(dir, "missing"), { PORT: "5000" })).toEqual({ PORT: "5000" });
  });
});

describe("resolveJwtSecret", () => {
  it("generates a development secret once, keeps it private in DATA_DIR, and reuses it", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "secret-"));
    const config = loadConfig({ DATA_DIR: dataDir });
    const first = await resolveJwtSecret(config);
    expect(Buffer.byteLength(first)).toBeGreaterThanOrEqual(32);
    expect(await resolveJwtSecret(config)).toBe(first);
    expect(await readFile(join(dataDir, "jwt-secret"), "utf8")).toBe(first);
    expect((await stat(join(dataDir, "jwt-secret"))).mode & 0o777).toBe(0o600);
  });

  it("prefers JWT_SECRET", async () => {
    expect(await resolveJwtSecret(loadConfig({ JWT_SECRET: SECRET }))).toBe(SECRET);
  });
});
