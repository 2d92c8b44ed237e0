#!/usr/bin/env node
// Runs a command with the project's toolchain: Node >= 22.17, pnpm and the installed
// dependencies. `npm start` and `npm test` go through here, so it must itself run on any
// Node and npm (these machines have Node 20): plain JavaScript, Node's built-in modules
// only. What the machine lacks is fetched from the npm registry into the git-ignored
// `.toolchain/` folder, download caches and pnpm's store included, so nothing changes
// outside the repository. Where Node >= 22.17 and pnpm are on the PATH it fetches nothing.
import { spawn, spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { constants as osConstants } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const NODE_VERSION = "24.21.0";
const MIN_NODE = [22, 17];

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const toolchainDir = join(root, ".toolchain");
const toolchainBin = join(toolchainDir, "node_modules", ".bin");
const { packageManager } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const PNPM_VERSION = packageManager.replace(/^pnpm@/, "");

function log(message) {
  process.stderr.write(`toolchain: ${message}\n`);
}

function fail(message, status = 1) {
  log(message);
  process.exit(status);
}

function findOnPath(name, env) {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {}
  }
  return undefined;
}

function isRecentNode(nodePath) {
  const result = spawnSync(nodePath, ["--version"], { encoding: "utf8" });
  const [major, minor] = (result.stdout ?? "").trim().replace(/^v/, "").split(".").map(Number);
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
}

function readIfExists(file) {
  return existsSync(file) ? readFileSync(file, "utf8") : undefined;
}

function withPath(env, dir) {
  return { ...env, PATH: `${dir}${delimiter}${env.PATH ?? ""}` };
}

/** The environment to run in: the machine's own when it has the tools, else with `.toolchain/` first on the PATH. */
function ensureToolchain(env) {
  const systemNode = findOnPath("node", env);
  const needNode = systemNode === undefined || !isRecentNode(systemNode);
  const needPnpm = findOnPath("pnpm", env) === undefined;
  if (!needNode && !needPnpm) return env;

  const dependencies = {};
  if (needNode) dependencies[`node-${process.platform}-${process.arch}`] = NODE_VERSION;
  if (needPnpm) dependencies.pnpm = PNPM_VERSION;
  const manifest = `${JSON.stringify({ private: true, dependencies }, null, 2)}\n`;
  const manifestFile = join(toolchainDir, "package.json");
  const installed =
    readIfExists(manifestFile) === manifest &&
    (!needNode || existsSync(join(toolchainBin, "node"))) &&
    (!needPnpm || existsSync(join(toolchainBin, "pnpm")));
  if (!installed) {
    const wanted = Object.entries(dependencies).map(([name, version]) => `${name}@${version}`);
    log(`Node >= ${MIN_NODE.join(".")} or pnpm is missing: fetching ${wanted.join(" and ")} into .toolchain/`);
    mkdirSync(toolchainDir, { recursive: true });
    writeFileSync(manifestFile, manifest);
    const npmCache = join(toolchainDir, "npm-cache");
    const status = run(
      "npm",
      [
        "install",
        "--prefix",
        toolchainDir,
        "--cache",
        npmCache,
        "--no-package-lock",
        "--ignore-scripts",
        "--no-audit",
        "--no-fund",
        "--no-update-notifier",
        "--loglevel=error",
      ],
      env,
    );
    rmSync(npmCache, { recursive: true, force: true });
    if (status !== 0) {
      rmSync(manifestFile, { force: true });
      fail("could not install the toolchain from the npm registry", status);
    }
  }

  // What the fetched tools keep between runs (pnpm's store and caches, Biome's and
  // Vitest's files) goes to the repository too: they follow the XDG base directories.
  // pnpm's version is pinned by package.json, so its update notice is only noise.
  return {
    ...withPath(env, toolchainBin),
    XDG_DATA_HOME: join(toolchainDir, "data"),
    XDG_CACHE_HOME: join(toolchainDir, "cache"),
    XDG_STATE_HOME: join(toolchainDir, "state"),
    npm_config_update_notifier: "false",
  };
}

function run(command, args, env) {
  const result = spawnSync(command, args, { cwd: root, env, stdio: "inherit" });
  if (result.error) fail(`could not run ${command}: ${result.error.message}`);
  return result.status ?? 1;
}

/** pnpm keeps a copy of the lockfile it installed from; a different one means the install is out of date. */
function dependenciesAreInstalled() {
  const installed = readIfExists(join(root, "node_modules", ".pnpm", "lock.yaml"));
  return installed !== undefined && installed === readFileSync(join(root, "pnpm-lock.yaml"), "utf8");
}

const [command, ...args] = process.argv.slice(2);
if (command === undefined) fail("usage: node scripts/toolchain.mjs <command> [args...]", 2);

const env = { ...ensureToolchain(process.env), TURBO_TELEMETRY_DISABLED: "1" };
if (!dependenciesAreInstalled()) {
  // A node_modules folder linked from another pnpm store is relinked rather than kept.
  const status = run("pnpm", ["install", "--frozen-lockfile", "--config.confirm-modules-purge=false"], env);
  if (status !== 0) fail("pnpm install --frozen-lockfile failed", status);
}

const child = spawn(command, args, { env: withPath(env, join(root, "node_modules", ".bin")), stdio: "inherit" });
const forwarded = ["SIGINT", "SIGTERM", "SIGHUP"];
for (const signal of forwarded) process.on(signal, () => child.kill(signal));
child.on("error", (error) => fail(`could not run ${command}: ${error.message}`));
child.on("exit", (code, signal) => {
  if (signal === null) process.exit(code ?? 1);
  // End the same way the command did, so that callers see the signal too.
  for (const name of forwarded) process.removeAllListeners(name);
  process.kill(process.pid, signal);
  process.exit(128 + (osConstants.signals[signal] ?? 0));
});
