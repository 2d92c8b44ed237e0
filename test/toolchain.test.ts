import { type ChildProcess, spawn } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

/**
 * scripts/toolchain.mjs, run on a copy of the repository's root files with stand-ins for
 * npm and pnpm that record their calls, so no test touches the network or the real
 * node_modules. The stand-in `npm` installs what the real one would: `node` (the Node
 * running these tests) and a recording `pnpm` in `.toolchain/node_modules/.bin`.
 */

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const { packageManager } = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
  packageManager: string;
};
const LOCKFILE = "lockfileVersion: '9.0'\n";

let repo: string;
let calls: string;
const temporaryDirs: string[] = [];

function temporaryDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporaryDirs.push(dir);
  return dir;
}

function writeScript(path: string, body: string): void {
  writeFileSync(path, `#!/bin/sh\nPATH=/usr/bin:/bin\n${body}\n`);
  chmodSync(path, 0o755);
}

const recordingPnpm = (calls: string) => `echo "pnpm $*" >> "${calls}"`;

/** A bin folder with the given tools; a current `node` is the Node running these tests. */
function binWith(tools: { node: "current" | "old"; pnpm: boolean; npm: boolean }): string {
  const bin = temporaryDir("toolchain-bin-");
  if (tools.node === "current") symlinkSync(process.execPath, join(bin, "node"));
  else writeScript(join(bin, "node"), `echo v20.20.2`);
  if (tools.pnpm) writeScript(join(bin, "pnpm"), recordingPnpm(calls));
  if (tools.npm)
    writeScript(
      join(bin, "npm"),
      `echo "npm $*" >> "${calls}"
while [ $# -gt 0 ]; do [ "$1" = --prefix ] && prefix="$2"; shift; done
mkdir -p "$prefix/node_modules/.bin"
ln -sf "${process.execPath}" "$prefix/node_modules/.bin/node"
printf '#!/bin/sh\\n%s\\n' '${recordingPnpm(calls)}' > "$prefix/node_modules/.bin/pnpm"
chmod 755 "$prefix/node_modules/.bin/pnpm"`,
    );
  return bin;
}

function start(path: string, command: string[]): ChildProcess {
  return spawn(process.execPath, [join(repo, "scripts", "toolchain.mjs"), ...command], {
    cwd: repo,
    env: { HOME: repo, PATH: path },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function finish(child: ChildProcess): Promise<Outcome> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
}

const runToolchain = (path: string, command: string[]) => finish(start(path, command));
const recordedCalls = () => (existsSync(calls) ? readFileSync(calls, "utf8").trim().split("\n") : []);
const printEnv = ["node", "-e", "console.log(JSON.stringify(process.env))"];

beforeEach(() => {
  repo = temporaryDir("toolchain-repo-");
  calls = join(repo, "calls.log");
  mkdirSync(join(repo, "scripts"));
  copyFileSync(join(repoRoot, "scripts", "toolchain.mjs"), join(repo, "scripts", "toolchain.mjs"));
  copyFileSync(join(repoRoot, "package.json"), join(repo, "package.json"));
  writeFileSync(join(repo, "pnpm-lock.yaml"), LOCKFILE);
  mkdirSync(join(repo, "node_modules", ".pnpm"), { recursive: true });
  writeFileSync(join(repo, "node_modules", ".pnpm", "lock.yaml"), LOCKFILE);
});

afterEach(() => {
  for (const dir of temporaryDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("scripts/toolchain.mjs on a machine with Node >= 22.17 and pnpm", () => {
  it("fetches nothing and runs the command with the machine's environment", async () => {
    const outcome = await runToolchain(binWith({ node: "current", pnpm: true, npm: true }), printEnv);
    expect(outcome.code).toBe(0);
    expect(recordedCalls()).toEqual([]);
    expect(existsSync(join(repo, ".toolchain"))).toBe(false);
    expect(JSON.parse(outcome.stdout).XDG_DATA_HOME).toBeUndefined();
  });

  it("installs the dependencies when pnpm-lock.yaml differs from the one pnpm installed", async () => {
    writeFileSync(join(repo, "pnpm-lock.yaml"), `${LOCKFILE}# changed\n`);
    const outcome = await runToolchain(binWith({ node: "current", pnpm: true, npm: false }), ["node", "-e", ""]);
    expect(outcome.code).toBe(0);
    expect(recordedCalls()).toEqual([expect.stringMatching(/^pnpm install --frozen-lockfile\b/)]);
  });

  it("stops with pnpm's exit status when the install fails", async () => {
    writeFileSync(join(repo, "pnpm-lock.yaml"), `${LOCKFILE}# changed\n`);
    const bin = binWith({ node: "current", pnpm: false, npm: false });
    writeScript(join(bin, "pnpm"), "exit 5");
    const outcome = await runToolchain(bin, ["node", "-e", "console.log('ran')"]);
    expect(outcome.code).toBe(5);
    expect(outcome.stdout).not.toContain("ran");
  });

  it("exits with the command's exit status", async () => {
    const outcome = await runToolchain(binWith({ node: "current", pnpm: true, npm: false }), [
      "node",
      "-e",
      "process.exit(3)",
    ]);
    expect(outcome.code).toBe(3);
  });

  it("ends by the same signal as the command", async () => {
    const outcome = await runToolchain(binWith({ node: "current", pnpm: true, npm: false }), [
      "node",
      "-e",
      "process.kill(process.pid, 'SIGTERM')",
    ]);
    expect(outcome.signal).toBe("SIGTERM");
  });

  it("passes SIGTERM on to the command and exits as the command does", async () => {
    const child = start(binWith({ node: "current", pnpm: true, npm: false }), [
      "node",
      "-e",
      "process.on('SIGTERM', () => { console.log('command got SIGTERM'); process.exit(7); }); console.log('ready'); setInterval(() => {}, 1000);",
    ]);
    child.stdout?.once("data", () => child.kill("SIGTERM"));
    const outcome = await finish(child);
    expect(outcome.stdout).toContain("command got SIGTERM");
    expect(outcome.code).toBe(7);
  });
});

describe("scripts/toolchain.mjs on a machine with only an older Node and npm", () => {
  it("fetches Node and the pinned pnpm into .toolchain/ and keeps the tools' files there", async () => {
    const outcome = await runToolchain(binWith({ node: "old", pnpm: false, npm: true }), printEnv);
    expect(outcome.code).toBe(0);
    expect(recordedCalls()).toEqual([expect.stringMatching(/^npm install --prefix \S+\.toolchain --cache /)]);
    const manifest = JSON.parse(readFileSync(join(repo, ".toolchain", "package.json"), "utf8"));
    expect(manifest.dependencies).toEqual({
      [`node-${process.platform}-${process.arch}`]: "24.21.0",
      pnpm: packageManager.replace(/^pnpm@/, ""),
    });
    const env = JSON.parse(outcome.stdout);
    expect(env.PATH.split(":")).toContain(join(repo, ".toolchain", "node_modules", ".bin"));
    for (const variable of ["XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"])
      expect(env[variable]).toMatch(new RegExp(`^${repo}/\\.toolchain/`));
  });

  it("fetches nothing the second time", async () => {
    const bin = binWith({ node: "old", pnpm: false, npm: true });
    await runToolchain(bin, ["node", "-e", ""]);
    const outcome = await runToolchain(bin, ["node", "-e", "process.exit(4)"]);
    expect(outcome.code).toBe(4);
    expect(recordedCalls()).toHaveLength(1);
  });

  it("fetches only pnpm when Node is recent enough", async () => {
    await runToolchain(binWith({ node: "current", pnpm: false, npm: true }), ["node", "-e", ""]);
    const manifest = JSON.parse(readFileSync(join(repo, ".toolchain", "package.json"), "utf8"));
    expect(Object.keys(manifest.dependencies)).toEqual(["pnpm"]);
  });
});
