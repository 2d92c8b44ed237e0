/**
 * The cold start of `taskctl users list`: a new process each run, as a person types it,
 * timed from spawn to exit. Three settings, each on a database seeded with `taskctl seed`:
 *
 * - PostgreSQL;
 * - the embedded database while another process holds it open, as the API server does
 *   (here this benchmark's own process): taskctl goes through its socket;
 * - the embedded database alone, where taskctl starts PGlite itself, beside PGlite's own
 *   bare start on the same files (create, `select 1`, close).
 *
 * Run: `pnpm --filter @tasks/admin bench` (RUNS=n for more runs). Needs PostgreSQL as the
 * tests find it (TEST_DATABASE_URL, Testcontainers or 127.0.0.1:5432).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { findPackageJSON } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openDatabase, PGLITE_DIRECTORY } from "@tasks/persistence";
import { createTestDatabase } from "@tasks/testing";

const RUNS = Number(process.env.RUNS ?? 11);
const BIN = fileURLToPath(new URL("../bin/taskctl.js", import.meta.url));
const PERSISTENCE_MANIFEST = findPackageJSON("@tasks/persistence", import.meta.url);
if (PERSISTENCE_MANIFEST === undefined) throw new Error("@tasks/persistence has no package.json");
// PGlite's bare start runs where @tasks/persistence is installed, so that it loads the
// very PGlite that taskctl loads.
const PERSISTENCE = dirname(PERSISTENCE_MANIFEST);

type Env = Record<string, string>;

function start(command: string, args: readonly string[], env: Env, cwd = tmpdir()): ChildProcess {
  return spawn(command, args, { cwd, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env } });
}

async function finish(child: ChildProcess): Promise<string> {
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`exit ${code}: ${output}`);
  return output;
}

function taskctl(env: Env, ...args: string[]): Promise<string> {
  return finish(start(process.execPath, ["--conditions=source", BIN, ...args], env));
}

/** Milliseconds from spawn to exit, median of `runs` after one warm-up run (which fills Node's compile cache). */
async function time(runs: number, command: string, args: readonly string[], env: Env, cwd?: string) {
  await finish(start(command, args, env, cwd));
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const began = performance.now();
    await finish(start(command, args, env, cwd));
    samples.push(performance.now() - began);
  }
  samples.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms);
  return {
    median: round(samples[Math.floor(samples.length / 2)] ?? 0),
    min: round(samples[0] ?? 0),
    max: round(samples.at(-1) ?? 0),
  };
}

const rows: [string, Awaited<ReturnType<typeof time>>][] = [];
const usersList = (env: Env, runs = RUNS) =>
  time(runs, process.execPath, ["--conditions=source", BIN, "users", "list"], env);

const postgres = await createTestDatabase();
try {
  const env = { DATABASE_URL: postgres.url };
  await taskctl(env, "migrate");
  await taskctl(env, "seed");
  rows.push(["PostgreSQL", await usersList(env)]);
} finally {
  await postgres.drop();
}

const dataDir = await mkdtemp(join(tmpdir(), "taskctl-bench-"));
try {
  const env = { DATA_DIR: dataDir };
  const holder = await openDatabase({ dataDir, serveEmbedded: true });
  try {
    await holder.migrate();
    await taskctl(env, "seed");
    rows.push(["embedded, through its socket", await usersList(env)]);
  } finally {
    await holder.close();
  }
  const aloneRuns = Math.max(3, Math.ceil(RUNS / 2));
  rows.push(["embedded, alone", await usersList(env, aloneRuns)]);
  const bare =
    `import { PGlite } from "@electric-sql/pglite";` +
    `const db = await PGlite.create({ dataDir: ${JSON.stringify(join(dataDir, PGLITE_DIRECTORY))} });` +
    `await db.query("select 1"); await db.close();`;
  rows.push([
    "PGlite bare start, same files",
    await time(aloneRuns, process.execPath, ["--input-type=module", "-e", bare], {}, PERSISTENCE),
  ]);
} finally {
  await rm(dataDir, { recursive: true, force: true });
}

console.log(`taskctl users list, cold start, ms (median of ${RUNS} runs; alone: ${Math.max(3, Math.ceil(RUNS / 2))})`);
console.log("setting                          median    min    max");
for (const [name, { median, min, max }] of rows)
  console.log(`${name.padEnd(32)} ${String(median).padStart(6)} ${String(min).padStart(6)} ${String(max).padStart(6)}`);
process.exit(0);
