import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

const BIN = fileURLToPath(new URL("../../bin/taskctl.js", import.meta.url));

/** The command that runs the real binary on its sources, as `pnpm taskctl` does. */
export const TASKCTL = [process.execPath, "--conditions=source", BIN] as const;

/**
 * A working directory without a `.env`, so that a developer's own file never leaks into
 * the tests' configuration. One for every test process: nothing is ever written to it.
 */
export const EMPTY_DIR = join(tmpdir(), "taskctl-tests-cwd");
mkdirSync(EMPTY_DIR, { recursive: true });

export type Env = Record<string, string>;

export interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON. */
  json<T = unknown>(): T;
}

/**
 * The environment a child gets: only what it needs, never the developer's DATABASE_URL
 * or DATA_DIR.
 */
export function childEnv(env: Env): Env {
  const base: Env = { PATH: process.env.PATH ?? "/usr/bin:/bin" };
  for (const name of ["HOME", "TMPDIR", "NODE_COMPILE_CACHE"]) {
    const value = process.env[name];
    if (value !== undefined) base[name] = value;
  }
  return { ...base, ...env };
}

/** Runs `taskctl <args>` with stdin a pipe holding `input` (empty: end of input at once). */
export function taskctl(env: Env, args: readonly string[], input = ""): Promise<Result> {
  const [node, ...nodeArgs] = TASKCTL;
  const child = spawn(node, [...nodeArgs, ...args], { cwd: EMPTY_DIR, env: childEnv(env) });
  child.stdin.end(input);
  return collect(child);
}

export function collect(child: ChildProcess): Promise<Result> {
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve(result(code, stdout, stderr)));
  });
}

/** What a run of taskctl left: its exit status and everything it wrote. */
export function result(code: number | null, stdout: string, stderr: string): Result {
  return {
    code,
    stdout,
    stderr,
    json: <T>() => {
      try {
        return JSON.parse(stdout) as T;
      } catch {
        throw new Error(`stdout is not JSON (exit ${code}):\n${stdout}\nstderr:\n${stderr}`);
      }
    },
  };
}

/** A failure is exactly one line on stderr, nothing on stdout, and the exit status. */
export function expectFailure(result: Result, code: 1 | 2, line: string): void {
  expect({ code: result.code, stderr: result.stderr, stdout: result.stdout }).toEqual({
    code,
    stderr: `${line}\n`,
    stdout: "",
  });
}
