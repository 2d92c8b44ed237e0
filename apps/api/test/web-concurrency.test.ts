import { execFileSync, spawn } from "node:child_process";
import { request } from "node:http";
import { type AddressInfo, connect, createServer as createNetServer } from "node:net";
import { fileURLToPath } from "node:url";
import {
  connectTestRedis,
  createTestDatabase,
  describeWith,
  postgresAvailability,
  type TestDatabase,
} from "@tasks/testing";
import { afterAll, beforeAll, expect, it } from "vitest";

const SERVER = fileURLToPath(new URL("../src/server.ts", import.meta.url));
const postgres = await postgresAvailability();
const testRedis = await connectTestRedis();
if (testRedis.available) testRedis.redis.disconnect();
const both = postgres.available ? testRedis : postgres;

/** The server processes the primary runs, by pid. */
function workersOf(pid: number): number[] {
  try {
    return execFileSync("pgrep", ["-P", String(pid)], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map(Number);
  } catch {
    return [];
  }
}

async function until<T>(what: string, value: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = value();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// A loopback address of this run's own: the per-address count of failed logins in Redis
// outlives a run, and other tests count failures from 127.0.0.1.
const CLIENT_ADDRESS = `127.${1 + (process.pid % 250)}.${Math.floor(Math.random() * 250) + 1}.${Math.floor(Math.random() * 250) + 1}`;

/** One request on a connection of its own, so that the primary hands each to the next process. */
function send(port: number, path: string, body?: object): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? "" : JSON.stringify(body);
    const sent = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: body === undefined ? "GET" : "POST",
        agent: false,
        localAddress: CLIENT_ADDRESS,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
      },
      (response) => {
        let text = "";
        response.on("data", (chunk) => {
          text += chunk;
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    sent.on("error", reject);
    sent.end(payload);
  });
}

/** The server as two processes, from a process of its own, with only `env` for configuration. */
async function startCluster(databaseUrl: string, env: Record<string, string> = {}) {
  const output = { stdout: "", stderr: "" };
  const server = spawn(process.execPath, ["--conditions=source", SERVER], {
    env: {
      PATH: process.env.PATH ?? "",
      DATABASE_URL: databaseUrl,
      REDIS_URL: process.env.TEST_REDIS_URL || "redis://127.0.0.1:6379",
      JWT_SECRET: "s".repeat(48),
      PORT: "0",
      WEB_CONCURRENCY: "2",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout?.on("data", (chunk) => {
    output.stdout += chunk;
  });
  server.stderr?.on("data", (chunk) => {
    output.stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => server.on("exit", (code) => resolve(code)));
  const listening = await until("two processes listening", () => {
    const ports = [...output.stdout.matchAll(/Listening on http:\/\/127\.0\.0\.1:(\d+)/g)].map((match) => match[1]);
    return ports.length >= 2 ? ports : undefined;
  });
  expect(new Set(listening).size).toBe(1);
  return { server, output, exited, port: Number(listening[0]) };
}

describeWith(both)("WEB_CONCURRENCY=2 on PostgreSQL and Redis", () => {
  let database: TestDatabase;
  let server: ReturnType<typeof spawn>;
  let output: { stdout: string; stderr: string };
  let exited: Promise<number | null>;
  let port: number;

  beforeAll(async () => {
    database = await createTestDatabase();
    ({ server, output, exited, port } = await startCluster(database.url, {
      REGISTRATION: "open",
      LOGIN_MAX_FAILURES: "3",
    }));
  }, 180_000);
  afterAll(async () => {
    server?.kill("SIGKILL");
    await database?.drop();
  });

  it("serves one port from two processes, with one count of failed logins across them", {
    timeout: 60_000,
  }, async () => {
    expect(workersOf(server.pid ?? 0)).toHaveLength(2);
    const username = `spread-${process.pid}-${Date.now()}`;
    const password = "a passphrase for two processes";
    expect((await send(port, "/api/auth/register/", { username, password })).status).toBe(201);

    // Three failures on three connections: one process alone would have seen at most two.
    for (let attempt = 0; attempt < 3; attempt++)
      expect((await send(port, "/api/auth/login/", { username, password: "wrong" })).status).toBe(401);

    expect((await send(port, "/api/auth/login/", { username, password })).status).toBe(429);
  });

  it("replaces a process that dies, and keeps answering", { timeout: 120_000 }, async () => {
    const [victim] = workersOf(server.pid ?? 0);
    process.kill(victim ?? 0, "SIGKILL");

    const replaced = await until("a replacement process", () => {
      const now = workersOf(server.pid ?? 0);
      return now.length === 2 && !now.includes(victim ?? 0) ? now : undefined;
    });
    expect(replaced).toHaveLength(2);
    await until("the primary's account of it", () =>
      output.stdout.includes("a server process exited: starting another") ? true : undefined,
    );
    await until("the replacement listening", () =>
      [...output.stdout.matchAll(/Listening on/g)].length >= 3 ? true : undefined,
    );
    for (let attempt = 0; attempt < 4; attempt++) expect((await send(port, "/api/health/ready/")).status).toBe(200);
  });

  it("stops every process on SIGTERM and exits 0", { timeout: 60_000 }, async () => {
    const workers = workersOf(server.pid ?? 0);
    server.kill("SIGTERM");

    const code = await exited;
    expect(code, `${output.stdout}\n${output.stderr}`).toBe(0);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
    expect(output.stderr).toBe("");
  });
});

/** A TCP relay to PostgreSQL that can refuse new connections for a while, as a database that went away does. */
async function refusingRelay(target: URL) {
  let refusing = false;
  const relay = createNetServer((client) => {
    if (refusing) return client.destroy();
    const upstream = connect(Number(target.port || 5432), target.hostname);
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", close);
    upstream.on("error", close);
  });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  const url = new URL(target);
  url.host = `127.0.0.1:${(relay.address() as AddressInfo).port}`;
  return {
    url: url.toString(),
    refuse: (value: boolean) => {
      refusing = value;
    },
    close: () => new Promise((resolve) => relay.close(resolve)),
  };
}

describeWith(both)("WEB_CONCURRENCY=2 while the database refuses new connections", () => {
  it("keeps serving from the process it has, and starts a replacement once the database is back", {
    timeout: 180_000,
  }, async () => {
    const database = await createTestDatabase();
    const relay = await refusingRelay(new URL(database.url));
    const cluster = await startCluster(relay.url, { DATABASE_CONNECT_TIMEOUT: "1s" });
    try {
      relay.refuse(true);
      const [victim, survivor] = workersOf(cluster.server.pid ?? 0);
      process.kill(victim ?? 0, "SIGKILL");
      await until("a replacement that could not start, tried again", () =>
        cluster.output.stdout.includes("a replacement server process failed to start: trying again") ? true : undefined,
      );
      // The survivor's pooled connections still reach the database.
      for (let attempt = 0; attempt < 3; attempt++)
        expect((await send(cluster.port, "/api/health/ready/")).status).toBe(200);
      expect(workersOf(cluster.server.pid ?? 0)).toContain(survivor);

      relay.refuse(false);
      await until("the replacement listening", () =>
        [...cluster.output.stdout.matchAll(/Listening on/g)].length >= 3 ? true : undefined,
      );
      expect(workersOf(cluster.server.pid ?? 0)).toHaveLength(2);
      cluster.server.kill("SIGTERM");
      expect(await cluster.exited).toBe(0);
    } finally {
      cluster.server.kill("SIGKILL");
      await relay.close();
      await database.drop();
    }
  });
});
