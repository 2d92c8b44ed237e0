#!/usr/bin/env node
// Runs a command with the project's toolchain: Node >= 22.17, pnpm, and installed
// dependencies. It must itself run on any Node and npm (the machines have Node 20), so
// it is plain JavaScript using only Node's built-in modules. What it downloads goes
// into the git-ignored `.toolchain/` folder: no root, no global install.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const NODE_VERSION = "24.21.0";
const MIN_NODE = [22, 17];
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { packageManager } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const PNPM_VERSION = packageManager.replace(/^pnpm@/, "");
const localBin = join(root, ".toolchain", "node_modules", ".bin");

function log(message) {
  process.stderr.write(`toolchain: ${message}\n`);
}

function run(command, args, env) {
  const result = spawnSync(command, args, { cwd: root, env, stdio: "inherit" });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function output(command, args, env) {
  const result = spawnSync(command, args, { cwd: root, env, encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function nodeIsRecentEnough(version) {
  const [major, minor] = version.replace(/^v/, "").split(".").map(Number);
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
}

function withPath(env, dir) {
  return { ...env, PATH: `${dir}${delimiter}${env.PATH ?? ""}` };
}

function nodePackageName() {
  const os = process.platform === "win32" ? "win" : process.platform;
  return `node-${os}-${process.arch}`;
}

function ensureToolchain() {
  const env = { ...process.env };
  const systemNode = output("node", ["--version"], env);
  const systemPnpm = output("pnpm", ["--version"], env);
  if (systemNode && nodeIsRecentEnough(systemNode) && systemPnpm) return env;

  const local = withPath(env, localBin);
  if (!existsSync(join(localBin, "node")) || !existsSync(join(localBin, "pnpm"))) {
    log(`Node ${MIN_NODE.join(".")}+ and pnpm not found; fetching Node ${NODE_VERSION} and pnpm ${PNPM_VERSION} into .toolchain/`);
    const status = run(
      "npm",
      [
        "install",
        "--prefix",
        join(root, ".toolchain"),
        "--no-save",
        "--no-package-lock",
        "--ignore-scripts",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        `${nodePackageName()}@${NODE_VERSION}`,
        `pnpm@${PNPM_VERSION}`,
      ],
      env,
    );
    if (status !== 0) {
      log("could not install the toolchain from the npm registry");
      process.exit(status);
    }
  }
  return local;
}

function dependenciesAreInstalled() {
  const marker = join(root, "node_modules", ".modules.yaml");
  if (!existsSync(marker)) return false;
  return statSync(marker).mtimeMs >= statSync(join(root, "pnpm-lock.yaml")).mtimeMs;
}

const [command, ...args] = process.argv.slice(2);
if (!command) {
  log("usage: node scripts/toolchain.mjs <command> [args...]");
  process.exit(2);
}

const env = { ...ensureToolchain(), TURBO_TELEMETRY_DISABLED: "1" };
if (!dependenciesAreInstalled()) {
  const status = run("pnpm", ["install", "--frozen-lockfile"], env);
  if (status !== 0) process.exit(status);
}

const child = spawn(command, args, { env: withPath(env, join(root, "node_modules", ".bin")), stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => child.kill(signal));
}
child.on("error", (error) => {
  log(error.message);
  process.exit(1);
});
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
