import { existsSync, readFileSync } from "node:fs";
import { CONFIG_VARIABLES, type Config, loadConfig } from "@tasks/platform";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

/**
 * There is no Docker engine on the machines that run these tests, so the compose file and
 * the API's Dockerfile are checked as text against the configuration the API really reads.
 */

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string | number | boolean> | string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string };
}

const root = new URL("..", import.meta.url);
const compose = parse(readFileSync(new URL("docker-compose.yml", root), "utf8")) as {
  services: Record<string, Service>;
};
const SECRET = "a-secret-of-at-least-32-bytes-for-the-test";
const POSTGRES_PASSWORD = "a-url-safe-database-password";
/** What a compose user puts in `.env`: the variables the compose file requires. */
const REQUIRED = { JWT_SECRET: SECRET, POSTGRES_PASSWORD };

/** Compose's variable substitution: `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`, `$$`. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\$|\$\{(\w+)(?:(:?)([-?])([^}]*))?\}/g, (match, name, colon, operator, argument) => {
    if (match === "$$") return "$";
    const current = env[name];
    const missing = current === undefined || (colon === ":" && current === "");
    if (!missing) return current;
    if (operator === "?") throw new Error(`${name} is required: ${argument}`);
    return operator === "-" ? argument : "";
  });
}

function environmentOf(service: Service, env: Record<string, string>): Record<string, string> {
  const entries = Array.isArray(service.environment)
    ? service.environment.map((line) => line.split(/=(.*)/s).slice(0, 2))
    : Object.entries(service.environment ?? {});
  return Object.fromEntries(entries.map(([name, value]) => [name, interpolate(String(value), env)]));
}

function service(name: string): Service {
  const found = compose.services[name];
  if (found === undefined) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

function healthcheckCommand(svc: Service): string {
  const test = svc.healthcheck?.test;
  return Array.isArray(test) ? test.join(" ") : (test ?? "");
}

const api = service("api");
const apiEnvironment = environmentOf(api, REQUIRED);

describe("docker-compose.yml", () => {
  it("runs PostgreSQL 17 with a pg_isready health check", () => {
    const postgres = service("postgres");
    expect(postgres.image).toMatch(/^postgres:17([.-]|$)/);
    expect(healthcheckCommand(postgres)).toContain("pg_isready");
  });

  it("sets only variables the API reads", () => {
    const unknown = Object.keys(apiEnvironment).filter(
      (name) => !(CONFIG_VARIABLES as readonly string[]).includes(name),
    );
    expect(unknown).toEqual([]);
  });

  it("gives the API a production configuration that the API accepts", () => {
    const config: Config = loadConfig(apiEnvironment);
    expect(config.production).toBe(true);
    expect(config.host).toBe("0.0.0.0");
    expect(config.jwtSecret).toBe(SECRET);
  });

  it("points DATABASE_URL at the postgres service with its user, password and database", () => {
    const url = new URL(loadConfig(apiEnvironment).database.url ?? "");
    const database = service(url.hostname);
    expect(database.image).toMatch(/^postgres:/);
    const credentials = environmentOf(database, REQUIRED);
    expect(url.port).toBe("5432");
    expect(decodeURIComponent(url.username)).toBe(credentials.POSTGRES_USER);
    expect(decodeURIComponent(url.password)).toBe(credentials.POSTGRES_PASSWORD);
    expect(credentials.POSTGRES_PASSWORD).toBe(POSTGRES_PASSWORD);
    expect(url.pathname).toBe(`/${credentials.POSTGRES_DB}`);
  });

  it("starts the API only once PostgreSQL is healthy", () => {
    expect(api.depends_on?.postgres?.condition).toBe("service_healthy");
  });

  it("publishes the port the API listens on and checks its readiness there", () => {
    const { port } = loadConfig(apiEnvironment);
    const containerPorts = (api.ports ?? []).map((mapping) => Number(mapping.split(":").at(-1)?.split("/")[0]));
    expect(containerPorts).toEqual([port]);
    expect(healthcheckCommand(api)).toContain(`http://127.0.0.1:${port}/api/health/ready/`);
  });

  it("serves the host of its own health check, localhost by default, and the hosts a user sets", () => {
    const healthHost = /http:\/\/([^:/]+)/.exec(healthcheckCommand(api))?.[1];
    expect(healthHost).toBe("127.0.0.1");
    expect(loadConfig(apiEnvironment)).toMatchObject({
      publicUrl: undefined,
      allowedHosts: ["127.0.0.1", "localhost", "[::1]"],
    });
    const configured = loadConfig(
      environmentOf(api, { ...REQUIRED, ALLOWED_HOSTS: "api.example.com", PUBLIC_URL: "https://tasks.example.com" }),
    );
    expect(configured).toMatchObject({
      publicUrl: "https://tasks.example.com",
      allowedHosts: ["127.0.0.1", "api.example.com", "tasks.example.com"],
    });
  });

  it("refuses to start without a JWT_SECRET", () => {
    expect(() => environmentOf(api, { POSTGRES_PASSWORD })).toThrow(/JWT_SECRET is required/);
  });

  it("refuses to start without a POSTGRES_PASSWORD, rather than default to a known one", () => {
    for (const name of ["postgres", "api"]) {
      expect(() => environmentOf(service(name), { JWT_SECRET: SECRET })).toThrow(/POSTGRES_PASSWORD is required/);
      expect(() => environmentOf(service(name), { JWT_SECRET: SECRET, POSTGRES_PASSWORD: "" })).toThrow(
        /POSTGRES_PASSWORD is required/,
      );
    }
  });
});

describe("the API's Dockerfile", () => {
  const dockerfilePath = new URL(`${api.build?.context ?? "."}/${api.build?.dockerfile ?? "Dockerfile"}`, root);
  const dockerfile = existsSync(dockerfilePath) ? readFileSync(dockerfilePath, "utf8") : "";
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages.at(-1) ?? "";

  it("builds in one stage and runs from a slimmer one", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(runtime).not.toMatch(/pnpm install|pnpm fetch/);
    expect(runtime).toMatch(/COPY --from=build/);
  });

  it("runs as a user other than root", () => {
    const user = runtime.match(/^USER\s+(\S+)/m)?.[1];
    expect(user).toBeDefined();
    expect(["root", "0"]).not.toContain(user?.split(":")[0]);
  });

  it("exposes the port the compose file publishes and puts taskctl on the PATH", () => {
    expect(runtime).toMatch(new RegExp(`^EXPOSE\\s+${loadConfig(apiEnvironment).port}\\b`, "m"));
    expect(runtime).toMatch(/\/usr\/local\/bin\/taskctl/);
  });
});
