import { createRequire } from "node:module";
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

  it("writes JSON lines to stdout at once, and leaves pretty lines to pino-pretty's worker", () => {
    const json = logDestination("json") as unknown as { fd: number; sync: boolean };
    expect(json).toMatchObject({ fd: 1, sync: true });
    expect(logDestination("pretty")).toBeUndefined();
  });
});
