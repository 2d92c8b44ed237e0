import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { childEnv, EMPTY_DIR, type Env } from "./taskctl.ts";

// Started as a person starts it, in its own process: apps never import each other.
const SERVER = fileURLToPath(new URL("../../../api/src/server.ts", import.meta.url));
const START_TIMEOUT_MS = 120_000;

export interface ApiServer {
  /** `http://127.0.0.1:<port>` */
  readonly address: string;
  /** SIGTERM, then waits for the process to end. */
  stop(): Promise<void>;
}

/** The API server on a free port (PORT=0) with `env`, once it says it is listening. */
export async function startApiServer(env: Env): Promise<ApiServer> {
  const child: ChildProcess = spawn(process.execPath, ["--conditions=source", SERVER], {
    cwd: EMPTY_DIR,
    env: childEnv({ HOST: "127.0.0.1", PORT: "0", JWT_SECRET: "an end-to-end test secret of 32+ bytes", ...env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    output += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const address = /Listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    if (address !== undefined)
      return {
        address,
        stop: async () => {
          child.kill("SIGTERM");
          await exited;
        },
      };
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the API server did not start; it said:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
