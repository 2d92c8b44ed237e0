import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { logDestination, logFormat, loggerOptions } from "../src/http/request-logging.ts";

describe("the server's log format", () => {
  it("is human-readable only for a developer on a terminal, JSON everywhere else", () => {
    expect(logFormat(undefined, true)).toBe("pretty");
    expect(logFormat("", true)).toBe("pretty");
    expect(logFormat("development", true)).toBe("pretty");
    // A pipe, a file, a container's log collector: machines read it.
    expect(logFormat(undefined, false)).toBe("json");
    expect(logFormat("development", false)).toBe("json");
    expect(logFormat("production", true)).toBe("json");
    expect(logFormat("production", false)).toBe("json");
    expect(logFormat("test", true)).toBe("json");
  });

  it("writes pretty lines through pino-pretty, a dependency the server can load, and keeps redacting", () => {
    const pretty = loggerOptions("info", "pretty");
    expect(pretty.transport).toMatchObject({ target: "pino-pretty" });
    expect(pretty.redact).toEqual(loggerOptions("info").redact);
    expect(() => createRequire(new URL("../src/server.ts", import.meta.url)).resolve("pino-pretty")).not.toThrow();
    expect(loggerOptions("info").transport).toBeUndefined();
  });

  it("leaves pretty lines to pino-pretty's worker", () => {
    expect(logDestination("pretty")).toBeUndefined();
  });

  // A process of its own, so that its stdout is a pipe the test reads, as a log collector would.
  function logInChild(script: string): ChildProcess {
    const child = spawn(
      process.execPath,
      [
        "--conditions=source",
        "--input-type=module",
        "--eval",
        `import pino from "pino";
        import { logDestination } from ${JSON.stringify(new URL("../src/http/request-logging.ts", import.meta.url).href)};
        const logger = pino({}, logDestination("json"));
        ${script}`,
      ],
      { cwd: fileURLToPath(new URL("..", import.meta.url)), stdio: ["ignore", "pipe", "inherit"] },
    );
    child.stdout?.setEncoding("utf8");
    return child;
  }

  it("writes a JSON line to stdout soon after it is logged, while the process goes on idle", async () => {
    const child = logInChild(`logger.info("alone"); setTimeout(() => {}, 30_000);`);
    try {
      const line = await new Promise<string>((resolve) => child.stdout?.once("data", resolve));
      expect(JSON.parse(line)).toMatchObject({ msg: "alone" });
    } finally {
      child.kill();
    }
  });

  it("writes every line still waiting when the process exits", async () => {
    const child = logInChild(`for (let n = 0; n < 1000; n += 1) logger.info({ n }, "line"); process.exit(3);`);
    let output = "";
    child.stdout?.on("data", (chunk: string) => {
      output += chunk;
    });
    const [code] = await once(child, "exit");
    expect(code).toBe(3);
    const numbers = output
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as { n: number }).n);
    expect(numbers).toEqual(Array.from({ length: 1000 }, (_, n) => n));
  });
});
