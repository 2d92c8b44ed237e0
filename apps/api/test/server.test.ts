import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { lstatSync, readdirSync, statSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { type IncomingMessage, request } from "node:http";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const SERVER = fileURLToPath(new URL("../src/server.ts", import.meta.url));

/**
 * The server as a person starts it: its own process, in `cwd`, with only `env` (no
 * inherited configuration), and with `umask` when given (through a shell, as a person's
 * shell would set it).
 */
function startServer(cwd: string, env: Record<string, string> = {}, umask?: string) {
  const command = [process.execPath, "--conditions=source", SERVER];
  const [file, args] =
    umask === undefined
      ? [process.execPath, command.slice(1)]
      : ["/bin/sh", ["-c", `umask ${umask} && exec "$@"`, "sh", ...command]];
  return spawnProcess(file, args, cwd, env);
}

/**
 * Node with `args` (its options and the script), as startServer runs it, in a process
 * group of its own: `node --watch` runs the server as its child, which killing the
 * watcher alone would leave running.
 */
function spawnServerGroup(cwd: string, args: string[], env: Record<string, string> = {}) {
  return spawnProcess(process.execPath, args, cwd, env, true);
}

function spawnProcess(file: string, args: string[], cwd: string, env: Record<string, string>, detached = false) {
  const child = spawn(file, args, {
    cwd,
    detached,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? cwd, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = { stdout: "", stderr: "" };
  child.stdout?.on("data", (chunk) => {
    output.stdout += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output.stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output, exited };
}

/** Every folder and file under `root` (the socket included), with its permission bits. */
function modesUnder(root: string): Map<string, number> {
  const modes = new Map<string, number>();
  const visit = (relativePath: string) => {
    for (const name of readdirSync(join(root, relativePath))) {
      const path = join(relativePath, name);
      const stats = lstatSync(join(root, path));
      modes.set(path, stats.mode & 0o777);
      if (stats.isDirectory()) visit(path);
    }
  };
  visit("");
  return modes;
}

/** Waits until the server has written a line matching `pattern` on stdout; fails if it exits first. */
function stdoutMatch(server: ReturnType<typeof startServer>, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(server.output.stdout);
      if (match === null) return;
      server.child.stdout?.off("data", check);
      resolve(match);
    };
    server.child.stdout?.on("data", check);
    check();
    void server.exited.then((code) =>
      reject(new Error(`the server exited (${code}) before writing ${pattern}: ${server.output.stderr}`)),
    );
  });
}

describe("the server process", () => {
  let cwd: string;
  let running: ChildProcess | undefined;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), "tasks-api-server-"));
  });
  afterAll(async () => {
    running?.kill("SIGKILL");
    await rm(cwd, { recursive: true, force: true });
  });

  it("refuses bad configuration at start with a message naming each bad variable, and exits 1", async () => {
    const { output, exited } = startServer(cwd, { PORT: "eighty", LOG_LEVEL: "loud" });
    expect(await exited).toBe(1);
    expect(output.stderr).toContain("PORT");
    expect(output.stderr).toContain('"eighty"');
    expect(output.stderr).toContain("LOG_LEVEL");
    expect(output.stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses to start when the database cannot be reached, in one sentence, and exits 1", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const { output, exited } = startServer(cwd, {
      DATABASE_URL: `postgres://tasks:secret-password@127.0.0.1:${port}/tasks`,
      JWT_SECRET: "a".repeat(48),
    });
    expect(await exited).toBe(1);
    expect(output.stderr).toContain(`The database cannot be reached (connect ECONNREFUSED 127.0.0.1:${port})`);
    expect(output.stderr).toContain("check DATABASE_URL");
    expect(output.stderr).not.toContain("secret-password");
    expect(output.stderr).not.toMatch(/\n\s+at /);
  });

  it("starts with no configuration on the embedded database, says how to create the first user, " +
    "and on SIGTERM finishes the request in flight and exits 0", { timeout: 120_000 }, async () => {
    // PORT=0 only so that parallel test runs cannot collide; everything else is the default.
    const server = startServer(cwd, { PORT: "0" });
    running = server.child;
    // The last line at start: the first-run message comes before it.
    const [, address] = await stdoutMatch(server, /Listening on (http:\/\/127\.0\.0\.1:\d+)/);
    expect(server.output.stdout).toContain(`API docs: ${address}/api/docs/`);
    // Not a terminal: JSON lines, as a log collector reads them.
    expect(JSON.parse(server.output.stdout.split("\n")[0] ?? "")).toMatchObject({ level: 30 });
    expect(server.output.stdout).toContain("`npm run taskctl -- createsuperuser`");
    expect(server.output.stdout).toContain("`pnpm taskctl createsuperuser`");
    expect(server.output.stdout).toContain("`npm run taskctl -- users create <username>`");
    expect(server.output.stdout).toContain("`pnpm taskctl users create <username>`");

    const health = await fetch(`${address}/api/health/`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    expect((await fetch(`${address}/api/docs/`)).status).toBe(200);

    // A request whose body is still to come when SIGTERM arrives: the server's "100 Continue"
    // says that it has read the headers, so the request is in flight; the body follows only
    // once the server has said it is shutting down.
    const body = JSON.stringify({ username: "nobody", password: "whatever it is" });
    const inFlight = request(`${address}/api/auth/login/`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
        expect: "100-continue",
      },
    });
    const answered = once(inFlight, "response") as Promise<[IncomingMessage]>;
    inFlight.flushHeaders();
    await once(inFlight, "continue");
    server.child.kill("SIGTERM");
    await stdoutMatch(server, /shutting down/);
    inFlight.end(body);
    const [answer] = await answered;
    answer.resume();
    expect(answer.statusCode).toBe(401);
    expect(await server.exited).toBe(0);
    running = undefined;
    expect(server.output.stdout).toContain('"msg":"stopped"');
    await expect(fetch(`${address}/api/health/`)).rejects.toThrow();
  });

  it("in dev mode (`pnpm dev`), restarts on a change to a module it loaded, reopening the embedded database", {
    timeout: 180_000,
  }, async () => {
    // The root package.json's `dev` script, less the toolchain step before its `node`.
    const manifest = JSON.parse(await readFile(new URL("../../../package.json", import.meta.url), "utf8"));
    const dev = /^node scripts\/toolchain\.mjs node (.*) apps\/api\/src\/server\.ts$/.exec(manifest.scripts.dev);
    expect(dev?.[1]?.split(" ")).toContain("--watch");
    // A module the server loads that this test may change, as a developer changes a source file.
    const edited = join(cwd, "edited.mjs");
    await writeFile(edited, "export {};\n");
    const server = spawnServerGroup(cwd, [...(dev?.[1]?.split(" ") ?? []), "--import", edited, SERVER], {
      PORT: "0",
      DATA_DIR: join(cwd, "dev-data"),
    });
    const group = -(server.child.pid as number);
    try {
      await stdoutMatch(server, /Listening on/);
      await writeFile(edited, "export const changed = true;\n");
      // The first process stops cleanly (releasing the database) before the second opens it.
      const [, address] = await stdoutMatch(
        server,
        /Restarting.*"msg":"stopped".*Listening on (http:\/\/127\.0\.0\.1:\d+)/s,
      );
      expect((await fetch(`${address}/api/health/ready/`)).status).toBe(200);
      process.kill(group, "SIGTERM");
      expect(await server.exited).toBe(0);
    } finally {
      // Whatever failed above, neither the watcher nor its server outlives the test.
      if (server.child.exitCode === null) process.kill(group, "SIGKILL");
    }
  });

  it("keeps a fresh DATA_DIR and everything in it private under a permissive umask", { timeout: 120_000 }, async () => {
    // Not there yet, nor its parent: the server creates both.
    const dataDir = join(cwd, "fresh", "data");
    const server = startServer(cwd, { PORT: "0", DATA_DIR: dataDir }, "000");
    running = server.child;
    await stdoutMatch(server, /Listening on/);

    // While it runs: its database files, the lock, the socket, the generated JWT secret.
    const modes = modesUnder(dataDir);
    expect([...modes.keys()]).toEqual(
      expect.arrayContaining(["jwt-secret", "pglite.lock", ".s.PGSQL.5432", "pglite", join("pglite", "PG_VERSION")]),
    );
    const open = [...modes]
      .filter(([, mode]) => (mode & 0o077) !== 0)
      .map(([path, mode]) => `${path} ${mode.toString(8)}`);
    expect({ dataDir: (statSync(dataDir).mode & 0o777).toString(8), open }).toEqual({ dataDir: "700", open: [] });

    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    running = undefined;
  });
});
