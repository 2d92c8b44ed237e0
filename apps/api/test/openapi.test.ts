import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { generateTypes } from "@tasks/client/generate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestApi, type TestApi } from "./support/test-api.ts";

const run = promisify(execFile);

const apiDir = fileURLToPath(new URL("..", import.meta.url));
const REDOCLY = join(apiDir, "node_modules", "@redocly", "cli", "bin", "cli.js");
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
// Redocly CLI on the whole document takes a few seconds, more on a busy machine.
const LINT_TIMEOUT_MS = 60_000;

type Document = {
  servers?: { url: string }[];
  paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, { examples?: unknown[] }> };
};
type Operation = {
  operationId?: string;
  summary?: string;
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { example?: unknown }> }>;
};

function operationsOf(document: Document): { method: string; path: string; operation: Operation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => (item[method] ? [{ method, path, operation: item[method] }] : [])),
  );
}

interface LintResult {
  readonly exitCode: number;
  /** Redocly's own report, to print when a check fails. */
  readonly report: string;
  readonly problems: { ruleId: string; severity: string; message: string }[];
}

/** Runs the Redocly CLI, as a developer would, on `document` written to a file, with the committed redocly.yaml. */
async function lint(document: unknown): Promise<LintResult> {
  const dir = await mkdtemp(join(tmpdir(), "openapi-lint-"));
  try {
    const file = join(dir, "openapi.json");
    await writeFile(file, JSON.stringify(document));
    const args = [REDOCLY, "lint", file, "--config", join(apiDir, "redocly.yaml")];
    const env = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" };
    const outcome = async (format: string) => {
      try {
        const { stdout, stderr } = await run(process.execPath, [...args, `--format=${format}`], { env, cwd: dir });
        return { exitCode: 0, stdout, stderr };
      } catch (error) {
        const failed = error as { code?: number; stdout?: string; stderr?: string };
        if (typeof failed.code !== "number") throw error;
        return { exitCode: failed.code, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
      }
    };
    const [json, stylish] = await Promise.all([outcome("json"), outcome("stylish")]);
    const { problems } = JSON.parse(json.stdout) as { problems: LintResult["problems"] };
    return { exitCode: stylish.exitCode, report: `${stylish.stdout}${stylish.stderr}`, problems };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("the OpenAPI document", () => {
  let api: TestApi;
  let document: Document;

  beforeAll(async () => {
    // Registration open: every route the server can serve is in the document.
    api = await openTestApi("pglite", { config: { registrationOpen: true } });
    // As `npm start` serves it by default; Redocly would warn about a `localhost` server.
    const response = await api.app.inject({
      method: "GET",
      url: "/api/openapi.json",
      headers: { host: "127.0.0.1:3000" },
    });
    expect(response.statusCode).toBe(200);
    document = response.json<Document>();
  });

  afterAll(async () => {
    await api?.close();
  });

  it(
    "passes redocly lint with the recommended rules",
    async () => {
      const result = await lint(document);
      expect(result.exitCode, result.report).toBe(0);
      // The one warning left: the project publishes no license, which is its owner's call to make.
      expect(
        result.problems.map((problem) => problem.ruleId),
        result.report,
      ).toEqual(["info-license"]);
    },
    LINT_TIMEOUT_MS,
  );

  it(
    "fails redocly lint when an operation loses its summary, or a problem example breaks its schema",
    async () => {
      const broken = structuredClone(document);
      const list = broken.paths["/api/tasks/"]?.get as Operation;
      delete list.summary;
      const problem = list.responses["404"]?.content?.["application/problem+json"] as { example: { status: unknown } };
      problem.example.status = "not a number";
      const result = await lint(broken);
      expect(result.exitCode).toBe(1);
      // A missing summary is an error (exit code 1); a wrong example is a warning, which the test above refuses.
      expect(result.problems.map((problem) => `${problem.severity} ${problem.ruleId}`).sort()).toEqual([
        "error operation-summary",
        "warn info-license",
        "warn no-invalid-media-type-examples",
      ]);
    },
    LINT_TIMEOUT_MS,
  );

  it("names every operation with a unique camelCase operationId", () => {
    const ids = operationsOf(document).map(({ method, path, operation }) => {
      expect(operation.operationId, `${method} ${path}`).toMatch(/^[a-z][a-zA-Z]*$/);
      return operation.operationId;
    });
    expect(new Set(ids).size).toBe(ids.length);
    expect(
      Object.fromEntries(
        operationsOf(document).map(({ method, path, operation }) => [
          `${method.toUpperCase()} ${path}`,
          operation.operationId,
        ]),
      ),
    ).toEqual({
      "GET /api/health/": "checkLiveness",
      "GET /api/health/ready/": "checkReadiness",
      "POST /api/auth/login/": "logIn",
      "POST /api/token/": "tokenObtainPair",
      "POST /api/auth/refresh/": "refreshToken",
      "POST /api/token/refresh/": "tokenRefresh",
      "POST /api/auth/logout/": "logOut",
      "POST /api/token/blacklist/": "tokenBlacklist",
      "POST /api/token/verify/": "tokenVerify",
      "GET /api/auth/me/": "retrieveCurrentUser",
      "GET /api/auth/csrf/": "getCsrfToken",
      "POST /api/auth/session/": "logInSession",
      "GET /api/auth/session/": "retrieveSession",
      "DELETE /api/auth/session/": "logOutSession",
      "GET /api/auth/sessions/": "listLogins",
      "DELETE /api/auth/sessions/": "revokeOtherLogins",
      "DELETE /api/auth/sessions/{id}/": "revokeLogin",
      "POST /api/auth/password/": "changePassword",
      "POST /api/auth/register/": "register",
      "GET /api/tasks/": "listTasks",
      "POST /api/tasks/": "createTask",
      "GET /api/tasks/{id}/": "retrieveTask",
      "PUT /api/tasks/{id}/": "updateTask",
      "PATCH /api/tasks/{id}/": "partialUpdateTask",
      "DELETE /api/tasks/{id}/": "deleteTask",
    });
  });

  it("gives every operation a short, unique summary: Postman and Bruno name imported requests after it", () => {
    const summaries = operationsOf(document).map(({ method, path, operation }) => {
      expect(operation.summary, `${method} ${path}`).toMatch(/^[A-Z][^.]{2,40}$/);
      return operation.summary;
    });
    expect(new Set(summaries).size).toBe(summaries.length);
  });

  it("gives an example of every request body and of every response with a body", () => {
    const { schemas } = document.components;
    const hasExample = (media: { example?: unknown; examples?: unknown; schema?: { $ref?: string } }) =>
      media.example !== undefined ||
      media.examples !== undefined ||
      (media.schema?.$ref !== undefined &&
        schemas[media.schema.$ref.split("/").pop() as string]?.examples !== undefined);
    const missing = operationsOf(document).flatMap(({ method, path, operation }) => {
      const { requestBody } = operation as { requestBody?: { content: Record<string, { example?: unknown }> } };
      const bodies = Object.entries(requestBody?.content ?? {}).map(
        ([type, media]) => [`request ${type}`, media] as const,
      );
      const answers = Object.entries(operation.responses).flatMap(([status, response]) =>
        Object.entries(response.content ?? {}).map(([type, media]) => [`${status} ${type}`, media] as const),
      );
      return [...bodies, ...answers]
        .filter(([, media]) => !hasExample(media))
        .map(([what]) => `${method} ${path}: ${what}`);
    });
    expect(missing).toEqual([]);
  });

  it("documents each problem a route can answer, with an example at its own path", () => {
    const create = document.paths["/api/tasks/"]?.post as Operation;
    expect(Object.keys(create.responses)).toEqual(["201", "400", "401", "403", "413", "415", "500", "503"]);
    const retrieve = document.paths["/api/tasks/{id}/"]?.get as Operation;
    expect(Object.keys(retrieve.responses)).toEqual(["200", "400", "401", "404", "500", "503"]);
    expect(retrieve.responses["404"]?.content?.["application/problem+json"]?.example).toMatchObject({
      status: 404,
      instance: expect.stringMatching(/^\/api\/tasks\/[0-9a-f-]{36}\/$/),
    });
    const login = document.paths["/api/auth/login/"]?.post as Operation;
    expect(Object.keys(login.responses)).toEqual(["200", "400", "401", "413", "415", "429", "500", "503"]);
    const live = document.paths["/api/health/"]?.get as Operation;
    expect(Object.keys(live.responses)).toEqual(["200", "400", "500"]);
  });

  it("says both ways in: a bearer token, or the session cookie with the CSRF header on unsafe methods", () => {
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(["bearerAuth", "cookieAuth", "csrfToken"]);
    const bearerOrCookie = [{ bearerAuth: [] }, { cookieAuth: [] }];
    const bearerOrCookieWithCsrf = [{ bearerAuth: [] }, { cookieAuth: [], csrfToken: [] }];
    expect(document.paths["/api/tasks/"]?.get?.security).toEqual(bearerOrCookie);
    expect(document.paths["/api/tasks/"]?.post?.security).toEqual(bearerOrCookieWithCsrf);
    expect(document.paths["/api/tasks/{id}/"]?.delete?.security).toEqual(bearerOrCookieWithCsrf);
    expect(document.paths["/api/auth/session/"]?.post?.security).toEqual([{ csrfToken: [] }]);
    // The browser session's own routes: the cookie alone.
    expect(document.paths["/api/auth/session/"]?.get?.security).toEqual([{ cookieAuth: [] }]);
    expect(document.paths["/api/auth/session/"]?.delete?.security).toEqual([{ cookieAuth: [], csrfToken: [] }]);
    expect(document.paths["/api/auth/login/"]?.post?.security).toEqual([]);
  });

  it("is what @tasks/client's committed types were generated from", async () => {
    // `pnpm --filter @tasks/api generate:client` writes them anew when the document changes.
    await expect(await generateTypes(document)).toMatchFileSnapshot("../../../packages/client/src/schema.ts");
  });

  it("names the server the request reached, or PUBLIC_URL", async () => {
    const local = await api.app.inject({
      method: "GET",
      url: "/api/openapi.json",
      headers: { host: "127.0.0.1:8123" },
    });
    expect(local.json<Document>().servers).toEqual([{ url: "http://127.0.0.1:8123", description: "This server." }]);
    const configured = await openTestApi("pglite", { config: { publicUrl: "https://tasks.example.org/v1" } });
    try {
      const response = await configured.app.inject({ method: "GET", url: "/api/openapi.json" });
      expect(response.json<Document>().servers).toEqual([
        { url: "https://tasks.example.org/v1", description: "This server." },
      ]);
    } finally {
      await configured.close();
    }
  });
});
