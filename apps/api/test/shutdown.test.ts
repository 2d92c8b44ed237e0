import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { Agent, type IncomingMessage, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestDatabase, describeWith, postgresAvailability } from "@tasks/testing";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";

const postgres = await postgresAvailability();
const SERVER = fileURLToPath(new URL("../src/server.ts", import.meta.url));
// Several keep-alive connections, each sending its next request as soon as it has an answer.
const CONNECTIONS = 8;
// How long the server keeps serving after SIGTERM: far longer than the test needs to ask
// for readiness once the server has said it is shutting down.
const DRAIN = "3s";
// Killed after the tests, should one fail before its server has exited.
const started: ChildProcess[] = [];

type Outcome = { kind: "answered"; status: number } | { kind: "refused" } | { kind: "reset"; error: string };

/** The server in its own process, with `env` only; resolves with its address once it listens. */
async function startServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--conditions=source", SERVER], {
    env: { PATH: process.env.PATH ?? "", PORT: "0", SHUTDOWN_DRAIN: DRAIN, REGISTRATION: "open", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push(child);
  const output = { stdout: "", stderr: "" };
  child.stderr?.on("data", (chunk) => {
    output.stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(output.stdout);
        if (match !== null) resolve(match);
      };
      child.stdout?.on("data", check);
      check();
      void exited.then((code) => reject(new Error(`the server exited (${code}) before ${pattern}: ${output.stderr}`)));
    });
  child.stdout?.on("data", (chunk) => {
    output.stdout += chunk;
  });
  const [, address] = await waitFor(/Listening on (http:\/\/127\.0\.0\.1:\d+)/);
  return { child, output, exited, waitFor, address: address as string };
}

/** One request; the outcome says whether it was answered in full, refused before it was sent, or lost. */
function send(
  address: string,
  agent: Agent,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Outcome> {
  return new Promise((resolve) => {
    const outgoing = request(`${address}${path}`, { method, agent, headers }, (response: IncomingMessage) => {
      response.resume();
      response.on("end", () => resolve({ kind: "answered", status: response.statusCode ?? 0 }));
      response.on("error", (error) => resolve({ kind: "reset", error: String(error) }));
    });
    outgoing.on("error", (error: NodeJS.ErrnoException) =>
      resolve(error.code === "ECONNREFUSED" ? { kind: "refused" } : { kind: "reset", error: String(error) }),
    );
    outgoing.end(body);
  });
}

/** Registers a user (unless `register` is false) and logs in through the API: answers the access token. */
async function signIn(address: string, register = true): Promise<string> {
  const credentials = JSON.stringify({ username: "loader", password: "correct horse battery staple" });
  const json = { "content-type": "application/json" };
  const agent = new Agent();
  if (register)
    expect(await send(address, agent, "POST", "/api/auth/register/", json, credentials)).toMatchObject({
      status: 201,
    });
  const login = await new Promise<string>((resolve, reject) => {
    const outgoing = request(`${address}/api/auth/login/`, { method: "POST", headers: json }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        text += chunk;
      });
      response.on("end", () => resolve(text));
    });
    outgoing.on("error", reject);
    outgoing.end(credentials);
  });
  return (JSON.parse(login) as { access: string }).access;
}

/**
 * SIGTERM under load, behind a load balancer that polls readiness: `CONNECTIONS`
 * keep-alive connections send task reads and writes back to back until the balancer has
 * seen readiness fail, and one more request is held half-sent across the signal. Every
 * request is counted until the server has exited.
 */
async function shutdownUnderLoad(env: Record<string, string>) {
  const server = await startServer(env);
  const access = await signIn(server.address);
  const headers = { authorization: `Bearer ${access}`, "content-type": "application/json" };
  const outcomes: Outcome[] = [];

  // The balancer stops sending once readiness says anything but 200; a client whose
  // connection the kernel completed just as the listener closed would otherwise have its
  // request reset by the kernel, before the server could accept it (that is what the drain
  // is for).
  let notReady: Outcome | undefined;
  const balancer = (async () => {
    while (notReady === undefined) {
      const outcome = await send(server.address, new Agent(), "GET", "/api/health/ready/", {});
      outcomes.push(outcome);
      if (outcome.kind !== "answered" || outcome.status !== 200) notReady = outcome;
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();

  const loaders = Array.from({ length: CONNECTIONS }, async (_, index) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (let sent = 0; notReady === undefined; sent += 1) {
      const outcome =
        sent % 2 === 0
          ? await send(server.address, agent, "POST", "/api/tasks/", headers, JSON.stringify({ title: `t${index}` }))
          : await send(server.address, agent, "GET", "/api/tasks/?page_size=5", headers);
      outcomes.push(outcome);
      if (outcome.kind !== "answered") break;
    }
    agent.destroy();
  });

  // A request in flight at the signal: its headers and part of its body are sent before,
  // the rest after the server has said it is shutting down.
  const body = JSON.stringify({ title: "in flight across SIGTERM" });
  const held = request(`${server.address}/api/tasks/`, {
    method: "POST",
    headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
    agent: false,
  });
  const heldAnswer = once(held, "response") as Promise<[IncomingMessage]>;
  held.write(body.slice(0, 10));

  // Some load first, so that requests are in flight on every connection at the signal.
  while (outcomes.length < CONNECTIONS * 10) await new Promise((resolve) => setTimeout(resolve, 10));
  const beforeSignal = outcomes.filter((outcome) => outcome.kind === "answered").length;
  server.child.kill("SIGTERM");
  await server.waitFor(/shutting down/);
  held.end(body.slice(10));
  const [heldResponse] = await heldAnswer;
  heldResponse.resume();

  await Promise.all([balancer, ...loaders]);
  const exitCode = await server.exited;
  // Once the server has exited, a request is refused before it is sent.
  outcomes.push(await send(server.address, new Agent(), "GET", "/api/health/", {}));
  return { exitCode, outcomes, beforeSignal, ready: notReady, held: heldResponse, output: server.output };
}

describe("shutdown under load", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const child of started) child.kill("SIGKILL");
    for (const cleanup of cleanups) await cleanup();
  });

  const check = (result: Awaited<ReturnType<typeof shutdownUnderLoad>>) => {
    const resets = result.outcomes.filter((outcome) => outcome.kind === "reset");
    const answered = result.outcomes.filter((outcome) => outcome.kind === "answered");
    const statuses = new Set(answered.map((outcome) => (outcome.kind === "answered" ? outcome.status : 0)));
    expect({ exitCode: result.exitCode, resets }).toEqual({ exitCode: 0, resets: [] });
    expect(result.ready).toEqual({ kind: "answered", status: 503 });
    expect(result.held.statusCode).toBe(201);
    expect(result.held.headers.connection).toBe("close");
    // Served after the signal too (the drain), and every one of them in full.
    expect(answered.length).toBeGreaterThan(result.beforeSignal);
    expect([...statuses].sort()).toEqual([200, 201, 503]);
    expect(result.outcomes.at(-1)).toEqual({ kind: "refused" });
    expect(result.output.stdout).toContain('"msg":"stopped"');
  };

  it("on the embedded database: every request sent is answered in full or refused before it is sent", {
    timeout: 180_000,
  }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "tasks-api-shutdown-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    check(await shutdownUnderLoad({ DATA_DIR: dataDir }));
  });

  describeWith(postgres)("on PostgreSQL", () => {
    it("every request sent is answered in full or refused before it is sent", { timeout: 180_000 }, async () => {
      const database = await createTestDatabase();
      cleanups.push(() => database.drop());
      check(await shutdownUnderLoad({ DATABASE_URL: database.url, JWT_SECRET: "s".repeat(48) }));
    });
  });
});

describeWith(postgres)("ended logins", () => {
  it("are deleted when the server starts (and hourly on), a week after they ended", { timeout: 120_000 }, async () => {
    const database = await createTestDatabase();
    const client = new pg.Client({ connectionString: database.url });
    try {
      const env = { DATABASE_URL: database.url, JWT_SECRET: "s".repeat(48) };
      const first = await startServer(env);
      await signIn(first.address);
      await signIn(first.address, false);
      first.child.kill("SIGTERM");
      expect(await first.exited).toBe(0);

      // One login ended eight days ago, the other yesterday: only the first is deleted.
      await client.connect();
      const revoke = (which: "min" | "max", days: number) =>
        client.query(
          `UPDATE sessions SET revoked_at = now() - interval '${days} days', revocation_reason = 'logout'
           WHERE id = (SELECT ${which}(id::text)::uuid FROM sessions)`,
        );
      await revoke("min", 8);
      await revoke("max", 1);
      const second = await startServer(env);
      await second.waitFor(/"deleted":1,.*"msg":"ended logins purged"/);
      const { rows } = await client.query<{ days: number }>(
        "SELECT extract(day FROM now() - revoked_at)::int AS days FROM sessions",
      );
      expect(rows).toEqual([{ days: 1 }]);
      second.child.kill("SIGTERM");
      expect(await second.exited).toBe(0);
    } finally {
      await client.end();
      await database.drop();
    }
  });
});
