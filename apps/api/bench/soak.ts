/**
 * `pnpm bench:soak`: the API server on PostgreSQL under minutes of mixed load (32
 * keep-alive clients; each request a list of a page of tasks, or, one in five, a new task),
 * printing the server's resident memory and V8 heap every few seconds, then again after
 * the load stops. For finding memory that grows with load and is never given back.
 *
 *   pnpm bench:soak [--duration 180] [--connections 32] [--every 10] [--idle 15] [--node-flags "..."]
 *
 * The server runs compiled, as production runs it (built-server.ts). Memory is read inside
 * it by a preloaded reporter (report-memory.js: plain JavaScript, so that loading it does
 * not bring in Node's type stripping, which the compiled server does without). PostgreSQL:
 * a fresh database on the server the tests use (TEST_DATABASE_URL or 127.0.0.1:5432),
 * dropped at the end.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { CreateTask, CreateUser, userActor } from "@tasks/domain";
import { openDatabase } from "@tasks/persistence";
import { SystemClock, UuidV7IdGenerator } from "@tasks/platform";
import { Argon2PasswordHasher } from "@tasks/security";
import { createTestDatabase } from "@tasks/testing";
import { buildServer } from "./built-server.ts";
import { SERVER_NODE_FLAGS } from "./server-flags.ts";

const { values: options } = parseArgs({
  options: {
    duration: { type: "string", default: "180" },
    connections: { type: "string", default: "32" },
    every: { type: "string", default: "10" },
    idle: { type: "string", default: "15" },
    // `--node-flags=""` shows V8's own sizing.
    "node-flags": { type: "string", default: SERVER_NODE_FLAGS.join(" ") },
  },
});
const NODE_FLAGS = options["node-flags"].split(/\s+/).filter((flag) => flag !== "");
const DURATION_S = Number(options.duration);
const CONNECTIONS = Number(options.connections);
const EVERY_S = Number(options.every);
const IDLE_S = Number(options.idle);
const SEEDED_TASKS = 500;
const PASSWORD = "soak passphrase 2026";
const PORT = 3811;
const HERE = fileURLToPath(new URL(".", import.meta.url));

interface Memory {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  spaces: Record<string, number>;
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0).padStart(5);

async function seed(url: string): Promise<string> {
  const database = await openDatabase({ url, poolSize: 2 });
  try {
    await database.migrate();
    const clock = new SystemClock();
    const ids = new UuidV7IdGenerator();
    const user = await new CreateUser({
      users: database.users,
      hasher: new Argon2PasswordHasher(),
      clock,
      ids,
    }).execute({ username: `soak_${randomBytes(3).toString("hex")}`, password: PASSWORD });
    const createTask = new CreateTask({ tasks: database.tasks, clock, ids });
    for (let index = 0; index < SEEDED_TASKS; index += 1)
      await createTask.execute({
        actor: userActor(user.id),
        changes: { title: `Task ${index}`, description: "seeded" },
      });
    return user.username;
  } finally {
    await database.close();
  }
}

async function waitUntilOk(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer 200 within 60 s`);
}

/** One client: requests back to back until `until`, counting answers by status. */
async function client(base: string, token: string, until: number, counts: Map<number, number>, id: number) {
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  for (let n = 0; Date.now() < until; n += 1) {
    const create = (n + id) % 5 === 0;
    const response = create
      ? await fetch(`${base}/api/tasks/`, {
          method: "POST",
          headers,
          body: JSON.stringify({ title: `soak ${id}-${n}`, description: "x".repeat(200) }),
        })
      : await fetch(`${base}/api/tasks/?page=${(n % 5) + 1}&page_size=20&ordering=-created_at`, { headers });
    await response.arrayBuffer();
    counts.set(response.status, (counts.get(response.status) ?? 0) + 1);
  }
}

async function main(): Promise<void> {
  const entry = buildServer();
  const database = await createTestDatabase();
  let server: ChildProcess | undefined;
  try {
    console.log(`Seeding ${SEEDED_TASKS} tasks... (server started with: "${NODE_FLAGS.join(" ")}")`);
    const username = await seed(database.url);
    let latest: Memory | undefined;
    server = spawn(
      process.execPath,
      [...NODE_FLAGS, "--expose-gc", "--import", join(HERE, "report-memory.js"), entry],
      {
        env: {
          PATH: process.env.PATH ?? "",
          HOME: process.env.HOME ?? tmpdir(),
          NODE_ENV: "production",
          ALLOWED_HOSTS: "127.0.0.1",
          DATABASE_URL: database.url,
          JWT_SECRET: randomBytes(48).toString("base64url"),
          RUN_MIGRATIONS: "false",
          PORT: String(PORT),
          LOG_LEVEL: "info",
        },
        stdio: ["ignore", "ignore", "inherit", "ipc"],
      },
    );
    server.on("message", (message) => {
      latest = message as Memory;
    });
    const base = `http://127.0.0.1:${PORT}`;
    await waitUntilOk(`${base}/api/health/ready/`);
    const login = await fetch(`${base}/api/auth/login/`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    const { access } = (await login.json()) as { access: string };
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    const print = (label: string) => {
      const m = latest;
      if (m === undefined) return;
      console.log(
        `${label.padEnd(10)} rss ${mb(m.rss)} MB  heap ${mb(m.heapUsed)}/${mb(m.heapTotal)} MB  ` +
          `new ${mb(m.spaces.new_space ?? 0)}  old ${mb(m.spaces.old_space ?? 0)}  ` +
          `external ${mb(m.external)}  buffers ${mb(m.arrayBuffers)}`,
      );
    };
    server.send("gc");
    await new Promise((resolve) => setTimeout(resolve, 500));
    print("idle, gc");
    const started = Date.now();
    const until = started + DURATION_S * 1_000;
    const counts = new Map<number, number>();
    const ticker = setInterval(() => print(`${Math.round((Date.now() - started) / 1_000)} s`), EVERY_S * 1_000);
    await Promise.all(Array.from({ length: CONNECTIONS }, (_, id) => client(base, access, until, counts, id)));
    clearInterval(ticker);
    const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
    console.log(
      `${total} requests in ${DURATION_S} s (${Math.round(total / DURATION_S)}/s); by status: ` +
        [...counts].map(([status, n]) => `${status}: ${n}`).join(", "),
    );
    for (let waited = 0; waited < IDLE_S; waited += 5) {
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      print(`idle +${waited + 5} s`);
    }
    server.send("gc");
    await new Promise((resolve) => setTimeout(resolve, 500));
    print("after gc");
  } finally {
    server?.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await database.drop();
  }
}

await main();
