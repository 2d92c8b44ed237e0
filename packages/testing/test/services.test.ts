import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { unavailable } from "../src/services.ts";

describe("a service that some tests need and that does not answer", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("fails the test file under CI=true", () => {
    vi.stubEnv("CI", "true");
    expect(() => unavailable("PostgreSQL", "nothing at 127.0.0.1:5432")).toThrow(
      "CI=true and PostgreSQL is needed: nothing at 127.0.0.1:5432",
    );
  });

  it("leaves the suites that need it to be skipped otherwise", () => {
    vi.stubEnv("CI", "");
    expect(unavailable("Redis", "nothing at 127.0.0.1:6379")).toEqual({
      available: false,
      service: "Redis",
      reason: "nothing at 127.0.0.1:6379",
    });
  });
});

const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
const VITEST = join(dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs");

interface FileResult {
  readonly name: string;
  readonly status: string;
  readonly message: string;
  readonly assertionResults: ReadonlyArray<{ readonly fullName: string; readonly status: string }>;
}

interface JsonReport {
  readonly success: boolean;
  readonly numPassedTests: number;
  readonly numFailedTests: number;
  readonly numPendingTests: number;
  readonly testResults: readonly FileResult[];
}

/** A port on which nothing listens. */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  server.close();
  await once(server, "close");
  return address.port;
}

/** Runs the fixtures in a Vitest of their own, not under CI, with `TEST_*` naming servers that do not answer. */
async function runFixtures(): Promise<{ code: number | null; report: JsonReport }> {
  const port = await closedPort();
  const output = await mkdtemp(join(tmpdir(), "tasks-testing-fixtures-"));
  try {
    const child = spawn(
      process.execPath,
      [VITEST, "run", "--root", FIXTURES, "--reporter=json", `--outputFile=${join(output, "report.json")}`],
      {
        cwd: FIXTURES,
        env: {
          PATH: process.env.PATH ?? "",
          HOME: process.env.HOME ?? output,
          TEST_DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/postgres`,
          TEST_REDIS_URL: `redis://127.0.0.1:${port}`,
        },
        stdio: "ignore",
      },
    );
    const [code] = (await once(child, "exit")) as [number | null];
    return { code, report: JSON.parse(await readFile(join(output, "report.json"), "utf8")) };
  } finally {
    await rm(output, { recursive: true, force: true });
  }
}

describe("a test run, not under CI, with services missing", () => {
  let code: number | null;
  let report: JsonReport;
  const file = (name: string) => report.testResults.find((result) => result.name.endsWith(name));

  beforeAll(async () => {
    ({ code, report } = await runFixtures());
  });

  it("counts the tests of a suite that needs a missing service as skipped, naming what is missing", () => {
    const missing = file("missing-service.fixture.ts");
    expect(missing?.assertionResults).toEqual(
      [
        {
          fullName: "a suite that needs PostgreSQL (skipped: no PostgreSQL) is counted, and never runs",
          status: "skipped",
        },
        {
          fullName: "a suite that needs PostgreSQL (skipped: no PostgreSQL) nor does this one",
          status: "skipped",
        },
        { fullName: "runs beside it", status: "passed" },
      ].map((expected) => expect.objectContaining(expected)),
    );
    expect(report.numPendingTests).toBe(2);
    expect(report.numPassedTests).toBe(1);
  });

  it("fails the file whose TEST_DATABASE_URL does not answer", () => {
    expect(file("configured-postgres.fixture.ts")).toMatchObject({
      status: "failed",
      message: expect.stringContaining("TEST_DATABASE_URL is set but its server does not answer"),
    });
  });

  it("fails the file whose TEST_REDIS_URL does not answer", () => {
    expect(file("configured-redis.fixture.ts")).toMatchObject({
      status: "failed",
      message: expect.stringContaining("TEST_REDIS_URL is set but its server does not answer"),
    });
  });

  it("fails the run", () => {
    expect(report.success).toBe(false);
    expect(code).toBe(1);
  });
});
