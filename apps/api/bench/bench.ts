/**
 * `pnpm bench`: the API server (compiled, as production runs it: built-server.ts) on
 * PostgreSQL with seeded data, against the lean server a
 * careful engineer would write by hand (baseline-server.ts: node:http + pg, named prepared
 * statements, a schema of its own in baseline-schema.sql), endpoint by endpoint, rounds
 * interleaved, under wrk at 32 connections. Both hold the same rows. Prints the median
 * over the rounds of requests/s, p50 and p99 latency, and the ratio of the medians.
 *
 *   pnpm bench [--duration 8] [--warmup 2] [--rounds 3] [--connections 32] [--processes 1] [--only create,patch]
 *
 * `--processes 2` runs each server as two processes on one port: the API with
 * WEB_CONCURRENCY=2 (and Redis, which it then needs: TEST_REDIS_URL or 127.0.0.1:6379),
 * the lean server as two copies sharing the port through SO_REUSEPORT.
 *
 * BENCH_NODE_OPTIONS adds Node options to both servers', e.g. `--cpu-prof
 * --cpu-prof-dir=/tmp/profiles` for a CPU profile of each under the benchmark's load.
 *
 * PostgreSQL: two fresh databases on the server the tests use (TEST_DATABASE_URL or
 * 127.0.0.1:5432), dropped at the end.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { CreateTask, CreateUser, userActor } from "@tasks/domain";
import { openDatabase } from "@tasks/persistence";
import { SystemClock, UuidV7IdGenerator } from "@tasks/platform";
import { Argon2PasswordHasher } from "@tasks/security";
import { createTestDatabase } from "@tasks/testing";
import pg from "pg";
import { buildServer } from "./built-server.ts";
import { SERVER_NODE_FLAGS } from "./server-flags.ts";

const { values: options } = parseArgs({
  options: {
    duration: { type: "string", default: "8" },
    warmup: { type: "string", default: "2" },
    rounds: { type: "string", default: "3" },
    connections: { type: "string", default: "32" },
    processes: { type: "string", default: "1" },
    // Some of the endpoints, by their names in the table, separated by commas.
    only: { type: "string" },
  },
});
const DURATION = Number(options.duration);
const WARMUP = Number(options.warmup);
const ROUNDS = Number(options.rounds);
const CONNECTIONS = Number(options.connections);
const PROCESSES = Number(options.processes);
const ONLY = options.only?.split(",").map((name) => name.trim());
const LIST_TASKS = 1_000;
const PATCH_TASKS = 200;
const POOL_SIZE = 10;
const PASSWORD = "benchmark passphrase 2026";
const HERE = fileURLToPath(new URL(".", import.meta.url));

interface Result {
  requests: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
}

/** A measured round, with the CPU time each request cost the server and its database, in microseconds. */
interface Measured extends Result {
  serverCpuUs: number;
  databaseCpuUs: number;
}

function databaseName(url: string): string {
  return new URL(url).pathname.slice(1);
}

interface Scenario {
  name: string;
  method: string;
  /** One path, or several that the connections take in turn. */
  paths: string[];
  body: string;
  token: string;
  /** Connections of its own, when the endpoint limits how many of its requests may run at once. */
  connections?: number;
}

function requireWrk(): void {
  try {
    execFileSync("wrk", ["--version"], { stdio: "ignore" });
  } catch (error) {
    // wrk prints its usage and exits 1 for --version: only a missing binary is a problem.
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") return;
    console.error(
      "pnpm bench needs wrk, a load generator that costs little CPU.\n" +
        "  Debian/Ubuntu: sudo apt-get install -y wrk\n  macOS: brew install wrk",
    );
    process.exit(1);
  }
}

const WRK_SCRIPT = `
local paths = {}
for path in string.gmatch(os.getenv("BENCH_PATHS"), "[^ ]+") do table.insert(paths, path) end
local body = os.getenv("BENCH_BODY")
local counter = 0
wrk.method = os.getenv("BENCH_METHOD")
wrk.headers["Content-Type"] = "application/json"
if os.getenv("BENCH_TOKEN") ~= "" then wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN") end
request = function()
  counter = counter + 1
  return wrk.format(nil, paths[(counter % #paths) + 1], nil, body ~= "" and body or nil)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH_RESULT %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.status + e.connect + e.read + e.write + e.timeout))
end
`;

function wrk(base: string, scenario: Scenario, seconds: number, script: string): Result {
  const output = execFileSync(
    "wrk",
    ["-t1", `-c${scenario.connections ?? CONNECTIONS}`, `-d${seconds}s`, "--timeout", "10s", "-s", script, base],
    {
      encoding: "utf8",
      env: {
        ...process.env,
        BENCH_METHOD: scenario.method,
        BENCH_PATHS: scenario.paths.join(" "),
        BENCH_BODY: scenario.body,
        BENCH_TOKEN: scenario.token,
      },
    },
  );
  const line = /BENCH_RESULT (\d+) (\d+) (\d+) (\d+) (\d+)/.exec(output);
  if (!line) throw new Error(`wrk printed no result:\n${output}`);
  const [requests, durationUs, p50Us, p99Us, failures] = line.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  return { requests, perSecond: requests / (durationUs / 1e6), p50Ms: p50Us / 1000, p99Ms: p99Us / 1000, failures };
}

/** `args`: Node's flags, then the script to run. */
function start(label: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? tmpdir(), ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  child.on("exit", (code, signal) => {
    if (code !== 0 && signal !== "SIGTERM") console.error(`${label} exited with ${code ?? signal}`);
  });
  return child;
}

async function waitUntilOk(url: string, headers: Record<string, string> = {}): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url, { headers })).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer 200 within 60 s`);
}

async function logIn(base: string, username: string): Promise<string> {
  const response = await fetch(`${base}/api/auth/login/`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (!response.ok) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access: string }).access;
}

async function seed(url: string) {
  const database = await openDatabase({ url, poolSize: 2 });
  try {
    await database.migrate();
    const clock = new SystemClock();
    const ids = new UuidV7IdGenerator();
    const createUser = new CreateUser({ users: database.users, hasher: new Argon2PasswordHasher(), clock, ids });
    const createTask = new CreateTask({ tasks: database.tasks, clock, ids });
    const suffix = randomBytes(3).toString("hex");
    const reader = await createUser.execute({ username: `reader_${suffix}`, password: PASSWORD });
    const writer = await createUser.execute({ username: `writer_${suffix}`, password: PASSWORD });
    const readerTasks: string[] = [];
    for (let index = 0; index < LIST_TASKS; index += 1)
      readerTasks.push(
        (
          await createTask.execute({
            actor: userActor(reader.id),
            changes: { title: `Task ${index}`, description: "seeded" },
          })
        ).id,
      );
    const writerTasks: string[] = [];
    for (let index = 0; index < PATCH_TASKS; index += 1)
      writerTasks.push(
        (await createTask.execute({ actor: userActor(writer.id), changes: { title: `Patch me ${index}` } })).id,
      );
    return { reader: reader.username, writer: writer.username, readerTasks, writerTasks };
  } finally {
    await database.close();
  }
}

/**
 * The lean server's database: its own schema, holding the same users, logins and tasks as
 * the real one (logins copied after the benchmark's users logged in, so that their tokens
 * name logins that exist in both).
 */
async function copyToBaseline(from: string, to: string): Promise<void> {
  const source = new pg.Client({ connectionString: from });
  const target = new pg.Client({ connectionString: to });
  await Promise.all([source.connect(), target.connect()]);
  try {
    await target.query(readFileSync(join(HERE, "baseline-schema.sql"), "utf8"));
    const copy = async (table: string, columns: string[]) => {
      const { rows } = await source.query(`select ${columns.join(", ")} from ${table}`);
      for (const row of rows)
        await target.query(
          `insert into ${table} (${columns.join(", ")}) values (${columns.map((_, index) => `$${index + 1}`).join(", ")})`,
          columns.map((column) => row[column]),
        );
    };
    await copy("users", ["id", "username", "username_key", "password_hash", "is_active", "token_version"]);
    await copy("sessions", ["id", "user_id", "token_version", "created_at", "expires_at", "ends_at", "revoked_at"]);
    await copy("tasks", ["id", "owner_id", "title", "description", "status", "created_at", "updated_at"]);
    await target.query("analyze");
  } finally {
    await Promise.all([source.end(), target.end()]);
  }
}

/** A process and the processes it started (its cluster workers), as long as it runs. */
function processTree(pid: number | undefined): number[] {
  if (pid === undefined || !existsSync(`/proc/${pid}/status`)) return [];
  let children: number[] = [];
  try {
    children = execFileSync("pgrep", ["-P", String(pid)], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map(Number);
  } catch {
    // pgrep exits 1 when there are none.
  }
  return [pid, ...children];
}

/** The resident memory of each of these processes, in MB, from /proc. */
function residentMb(pids: readonly number[]): number[] {
  return pids.flatMap((each) => {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${each}/status`, "utf8"));
      return match ? [Number(match[1]) / 1024] : [];
    } catch {
      // The process has ended since it was listed.
      return [];
    }
  });
}

/** The CPU time these processes have used so far (user and system), in seconds, from /proc. */
function cpuSeconds(pids: readonly number[]): number {
  const ticksPerSecond = 100;
  return pids.reduce((total, each) => {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${each}/stat`, "utf8");
    } catch {
      // The process has ended (a pooled connection closed): its time is no longer counted.
      return total;
    }
    // The fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.split(") ")[1]?.split(" ") ?? [];
    return total + (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  }, 0);
}

/** The PostgreSQL backends serving one database (the server's pool, not this look-up's own), by process id. */
async function backendsOf(adminUrl: string, database: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      "select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
      [database],
    );
    return rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function format(value: number, digits = 0): string {
  return value.toFixed(digits).padStart(8);
}

async function main(): Promise<void> {
  requireWrk();
  const server = buildServer();
  const created = [await createTestDatabase(), await createTestDatabase()];
  const [url, baselineUrl] = created.map((database) => database.url) as [string, string];
  const children: ChildProcess[] = [];
  try {
    console.log(`Seeding ${LIST_TASKS} tasks to list and ${PATCH_TASKS} to patch...`);
    const data = await seed(url);
    const jwtSecret = randomBytes(48).toString("base64url");
    const real = "http://127.0.0.1:3801";
    const baseline = "http://127.0.0.1:3802";
    children.push(
      start("API server", [...SERVER_NODE_FLAGS, server], {
        NODE_ENV: "production",
        ALLOWED_HOSTS: "127.0.0.1",
        DATABASE_URL: url,
        DATABASE_POOL_SIZE: String(POOL_SIZE),
        JWT_SECRET: jwtSecret,
        RUN_MIGRATIONS: "false",
        PORT: "3801",
        LOG_LEVEL: "info",
        // The login row measures a login's cost, not the failed-login limit.
        LOGIN_MAX_FAILURES: "100000",
        NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS ?? "",
        WEB_CONCURRENCY: String(PROCESSES),
        ...(PROCESSES > 1 ? { REDIS_URL: process.env.TEST_REDIS_URL || "redis://127.0.0.1:6379" } : {}),
      }),
    );
    await waitUntilOk(`${real}/api/health/ready/`);
    const readerToken = await logIn(real, data.reader);
    const writerToken = await logIn(real, data.writer);
    await copyToBaseline(url, baselineUrl);
    for (let copy = 0; copy < PROCESSES; copy += 1)
      children.push(
        start("baseline", ["--conditions=source", join(HERE, "baseline-server.ts")], {
          DATABASE_URL: baselineUrl,
          DATABASE_POOL_SIZE: String(POOL_SIZE),
          NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS ?? "",
          JWT_SECRET: jwtSecret,
          PORT: "3802",
        }),
      );
    await waitUntilOk(`${baseline}/api/tasks/`, { authorization: `Bearer ${readerToken}` });

    const scenarios: Scenario[] = [
      { name: "list", method: "GET", paths: ["/api/tasks/?page_size=20"], body: "", token: readerToken },
      {
        name: "get one",
        method: "GET",
        paths: data.readerTasks.slice(0, 100).map((id) => `/api/tasks/${id}/`),
        body: "",
        token: readerToken,
      },
      {
        name: "create",
        method: "POST",
        paths: ["/api/tasks/"],
        body: JSON.stringify({ title: "Benchmark task", description: "made by pnpm bench" }),
        token: writerToken,
      },
      {
        name: "patch",
        method: "PATCH",
        paths: data.writerTasks.map((id) => `/api/tasks/${id}/`),
        body: JSON.stringify({ status: "doing" }),
        token: writerToken,
      },
      {
        name: "login",
        method: "POST",
        paths: ["/api/auth/login/"],
        body: JSON.stringify({ username: data.reader, password: PASSWORD }),
        token: "",
        // The API checks at most two passwords of one user or address at once
        // (MAX_LOGIN_CHECKS_IN_FLIGHT; the others get 429): both servers get two connections.
        connections: 2,
      },
    ];

    const unknown = ONLY?.filter((name) => !scenarios.some((scenario) => scenario.name === name)) ?? [];
    if (unknown.length > 0)
      throw new Error(
        `--only: no endpoint named ${unknown.join(", ")} (there are ${scenarios.map((each) => each.name).join(", ")})`,
      );
    const script = join(tmpdir(), `tasks-bench-${process.pid}.lua`);
    writeFileSync(script, WRK_SCRIPT);
    console.log(
      `wrk -t1 -c${CONNECTIONS} (login: -c2), ${ROUNDS} rounds of ${DURATION} s per server and endpoint (after ${WARMUP} s of warm-up), ` +
        `${PROCESSES} process(es) per server, pool of ${POOL_SIZE} connections per process; medians of the rounds.\n`,
    );
    console.log(
      `${"endpoint".padEnd(10)}|${"API req/s".padStart(10)}|${"p50 ms".padStart(8)}|${"p99 ms".padStart(8)}` +
        `|${"base req/s".padStart(11)}|${"p50 ms".padStart(8)}|${"p99 ms".padStart(8)}|${"ratio".padStart(7)}` +
        `|${"API MB".padStart(7)}|${"base MB".padStart(8)}|${"API cpu".padStart(8)}|${"base cpu".padStart(9)}` +
        `|${"API db".padStart(7)}|${"base db".padStart(8)}`,
    );
    console.log(
      "(cpu: the server's processes' CPU time per request, db: that of its PostgreSQL connections, in microseconds)",
    );
    for (const scenario of scenarios.filter((each) => ONLY === undefined || ONLY.includes(each.name))) {
      // The largest resident memory of one process of each server, read after each measured round.
      const peakMb: Record<string, number> = {};
      const rounds: Record<string, Measured[]> = { [real]: [], [baseline]: [] };
      for (let round = 0; round < ROUNDS; round += 1) {
        // Alternate which server goes first, so neither always meets a warmer database.
        const order = round % 2 === 0 ? [real, baseline] : [baseline, real];
        for (const base of order) {
          wrk(base, scenario, WARMUP, script);
          const processes = (base === real ? children.slice(0, 1) : children.slice(1)).flatMap((child) =>
            processTree(child.pid),
          );
          const backends = await backendsOf(url, databaseName(base === real ? url : baselineUrl));
          const cpuBefore = [cpuSeconds(processes), cpuSeconds(backends)] as const;
          const measured = wrk(base, scenario, DURATION, script);
          const result = {
            ...measured,
            serverCpuUs: ((cpuSeconds(processes) - cpuBefore[0]) * 1e6) / measured.requests,
            databaseCpuUs: ((cpuSeconds(backends) - cpuBefore[1]) * 1e6) / measured.requests,
          };
          if (result.failures > 0) console.error(`  ${scenario.name} on ${base}: ${result.failures} failed requests`);
          rounds[base]?.push(result);
          peakMb[base] = Math.max(peakMb[base] ?? 0, ...residentMb(processes));
        }
      }
      const summary = (results: Measured[]) => ({
        perSecond: median(results.map((result) => result.perSecond)),
        p50Ms: median(results.map((result) => result.p50Ms)),
        p99Ms: median(results.map((result) => result.p99Ms)),
        serverCpuUs: median(results.map((result) => result.serverCpuUs)),
        databaseCpuUs: median(results.map((result) => result.databaseCpuUs)),
      });
      const api = summary(rounds[real] ?? []);
      const hand = summary(rounds[baseline] ?? []);
      console.log(
        `${scenario.name.padEnd(10)}|${format(api.perSecond).padStart(10)}|${format(api.p50Ms, 1)}|${format(api.p99Ms, 1)}` +
          `|${format(hand.perSecond).padStart(11)}|${format(hand.p50Ms, 1)}|${format(hand.p99Ms, 1)}` +
          `|${(api.perSecond / hand.perSecond).toFixed(2).padStart(7)}` +
          `|${format(peakMb[real] ?? 0).padStart(7)}|${format(peakMb[baseline] ?? 0)}` +
          `|${format(api.serverCpuUs).padStart(8)}|${format(hand.serverCpuUs).padStart(9)}` +
          `|${format(api.databaseCpuUs).padStart(7)}|${format(hand.databaseCpuUs).padStart(8)}`,
      );
    }
  } finally {
    for (const child of children) child.kill("SIGTERM");
    await Promise.all(
      children.map(
        (child) => new Promise((resolve) => (child.exitCode === null ? child.on("exit", resolve) : resolve(0))),
      ),
    );
    for (const database of created) await database.drop();
  }
}

await main();
