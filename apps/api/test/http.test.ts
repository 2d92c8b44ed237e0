import { Writable } from "node:stream";
import { ListTasks, type TaskRepository } from "@tasks/domain";
import { openTestDatabase, type TestDatabase } from "@tasks/persistence/testing";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loggerOptions } from "../src/http/request-logging.ts";
import { expectProblem, expectValidationProblem } from "./support/http.ts";
import { PASSWORD, type TestApi, type TestUser, testApiOn } from "./support/test-api.ts";

/** A pino logger writing into an array, to read what the server logs. */
function capturingLogger(level = "trace") {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      raw.push(String(chunk));
      lines.push(JSON.parse(String(chunk)));
      callback();
    },
  });
  return { logger: pino(loggerOptions(level), stream), lines, raw };
}

function list(header: unknown): string[] {
  return String(header).split(/,\s*/);
}

/** A task repository whose every call fails the way a driver bug would: with internals in the message. */
const brokenTasks: TaskRepository = new Proxy({} as TaskRepository, {
  get: () => async () => {
    throw new Error('relation "tasks" does not exist (password=hunter2 at 10.0.0.5)');
  },
});

/** One whose failures carry a credential among the error's own properties, as a driver's may. */
const leakyTasks: TaskRepository = new Proxy({} as TaskRepository, {
  get: () => async () => {
    throw Object.assign(new Error("connection lost"), {
      password: "hunter3-in-a-property",
      token: "tok-in-a-property",
    });
  },
});

describe("HTTP behaviour", () => {
  let testDatabase: TestDatabase;
  let api: TestApi;
  let alice: TestUser;

  beforeAll(async () => {
    testDatabase = await openTestDatabase("pglite", { inMemory: true });
    api = await testApiOn("pglite", testDatabase);
    alice = await api.signUp("alice");
  });
  afterAll(async () => {
    await api?.close();
    await testDatabase?.close();
  });

  const postTask = (headers: Record<string, string>, payload: string | Buffer) =>
    api.app.inject({ method: "POST", url: "/api/tasks/", headers: { ...alice.auth, ...headers }, payload });

  describe("request bodies", () => {
    it("answers 400 for malformed JSON", async () => {
      const body = expectProblem(await postTask({ "content-type": "application/json" }, '{"title": "x"'), 400);
      expect(body.detail).toBe("The request body is not valid JSON.");
    });

    it("answers 400 for an empty JSON body and for a __proto__ member", async () => {
      expectProblem(await postTask({ "content-type": "application/json" }, ""), 400);
      expectProblem(await postTask({ "content-type": "application/json" }, '{"title":"x","__proto__":{"a":1}}'), 400);
    });

    it("answers 415 for another content type", async () => {
      for (const type of ["text/plain", "application/x-www-form-urlencoded", "application/xml"]) {
        const body = expectProblem(await postTask({ "content-type": type }, "title=x"), 415);
        expect(body.detail).toBe("Send the request body as application/json.");
      }
    });

    it("accepts application/json with a charset", async () => {
      const response = await postTask({ "content-type": "application/json; charset=utf-8" }, '{"title":"x"}');
      expect(response.statusCode).toBe(201);
    });

    it("answers 413 for a body over 64 KiB, and reads one just under it", async () => {
      const over = JSON.stringify({ title: "x", description: "d".repeat(64 * 1024) });
      const body = expectProblem(await postTask({ "content-type": "application/json" }, over), 413);
      expect(body.detail).toBe("The request body is larger than the limit of 64 KiB.");
      const under = JSON.stringify({ title: "x", description: "d".repeat(60 * 1024) });
      expectValidationProblem(await postTask({ "content-type": "application/json" }, under), ["description"]);
    });
  });

  describe("routing", () => {
    it("answers 404 problem details for an unknown route, with or without a token", async () => {
      for (const headers of [{}, alice.auth]) {
        const response = await api.app.inject({ method: "GET", url: "/api/nothing-here/?x=1", headers });
        const body = expectProblem(response, 404);
        expect(body.instance).toBe("/api/nothing-here/");
      }
    });

    it("answers 405 with Allow for a known path and a wrong method", async () => {
      const task = await api.app.inject({
        method: "POST",
        url: "/api/tasks/",
        headers: alice.auth,
        payload: { title: "x" },
      });
      const onTask = await api.app.inject({
        method: "POST",
        url: `/api/tasks/${task.json().id}/`,
        headers: alice.auth,
      });
      expectProblem(onTask, 405);
      expect(onTask.headers.allow).toBe("GET, HEAD, PUT, PATCH, DELETE, OPTIONS");
      const onLogin = await api.app.inject({ method: "GET", url: "/api/auth/login" });
      expectProblem(onLogin, 405);
      expect(onLogin.headers.allow).toBe("POST, OPTIONS");
    });
  });

  describe("x-request-id", () => {
    it("echoes the caller's id, and generates one when there is none", async () => {
      const given = await api.app.inject({
        method: "GET",
        url: "/api/health/",
        headers: { "x-request-id": "abc-123" },
      });
      expect(given.headers["x-request-id"]).toBe("abc-123");
      const generated = await api.app.inject({ method: "GET", url: "/api/health/" });
      expect(generated.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    });

    it("replaces an id that could forge or bloat log lines", async () => {
      for (const bad of ["a b", "x".repeat(200), 'a"}']) {
        const response = await api.app.inject({ method: "GET", url: "/api/health/", headers: { "x-request-id": bad } });
        expect(response.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
      }
    });

    it("is echoed on errors too", async () => {
      const response = await api.app.inject({
        method: "GET",
        url: "/api/tasks/",
        headers: { "x-request-id": "err-1" },
      });
      expect(response.statusCode).toBe(401);
      expect(response.headers["x-request-id"]).toBe("err-1");
    });
  });

  describe("a failure inside the server", () => {
    /** An API whose task list reads `tasks`, logging into `logger`. */
    const listingFrom = (tasks: TaskRepository, logger: ReturnType<typeof capturingLogger>["logger"]) =>
      testApiOn("pglite", testDatabase, {
        logger,
        adjust: (deps) => ({ ...deps, useCases: { ...deps.useCases, listTasks: new ListTasks({ tasks }) } }),
      });
    /** `GET /api/tasks/` by a new user of `server`, under the request id `requestId`. */
    const listAs = async (server: TestApi, username: string, requestId: string) => {
      const user = await server.signUp(username);
      const headers = { ...user.auth, "x-request-id": requestId };
      return { user, response: await server.app.inject({ method: "GET", url: "/api/tasks/", headers }) };
    };

    it("answers 500 saying only that something went wrong, and logs the error with its stack under the request id", async () => {
      const { logger, lines, raw } = capturingLogger();
      const broken = await listingFrom(brokenTasks, logger);
      try {
        const { user, response } = await listAs(broken, "broken", "req-500");
        const body = expectProblem(response, 500);
        expect(body.detail).toBe("Something went wrong on our side. It has been logged under request id req-500.");
        expect(response.body).not.toMatch(/relation|hunter2|10\.0\.0\.5|at .*\.ts/);
        const line = lines.find((entry) => entry.request_id === "req-500");
        expect(line).toMatchObject({ level: 50, status: 500, route: "/api/tasks/", user_id: user.user.id });
        expect((line?.err as { stack?: string } | undefined)?.stack).toMatch(
          /relation "tasks" does not exist[\s\S]*\n\s+at /,
        );
        expect(raw.join("")).not.toContain(user.access);
      } finally {
        await broken.close();
      }
    });

    it("redacts the credentials an error carries in its line, which the completed requests' cheaper redaction would not", async () => {
      const { logger, lines, raw } = capturingLogger("info");
      const leaky = await listingFrom(leakyTasks, logger);
      try {
        const { response } = await listAs(leaky, "leaky", "req-leaky");
        expectProblem(response, 500);
        const line = lines.find((entry) => entry.request_id === "req-leaky");
        expect(line?.err).toMatchObject({ message: "connection lost", password: "[redacted]", token: "[redacted]" });
        expect(raw.join("")).not.toMatch(/hunter3|tok-in-a-property/);
      } finally {
        await leaky.close();
      }
    });
  });

  describe("logging", () => {
    it("writes one line per request with method, route, status, duration, request id and user id", async () => {
      const { logger, lines, raw } = capturingLogger("info");
      const logged = await testApiOn("pglite", testDatabase, { logger });
      try {
        const user = await logged.signUp("logged");
        lines.length = 0;
        await logged.app.inject({
          method: "GET",
          url: "/api/tasks/?page=1",
          headers: { ...user.auth, "x-request-id": "r1" },
        });
        await logged.app.inject({ method: "GET", url: "/api/missing", headers: { "x-request-id": "r2" } });
        expect(lines).toHaveLength(2);
        expect(lines[0]).toMatchObject({
          level: 30,
          request_id: "r1",
          method: "GET",
          route: "/api/tasks/",
          url: "/api/tasks/?page=1",
          status: 200,
          user_id: user.user.id,
        });
        expect(typeof lines[0]?.duration_ms).toBe("number");
        expect(lines[1]).toMatchObject({ request_id: "r2", route: null, status: 404, user_id: null });
        // Written once: JSON.parse would keep the last of two.
        for (const line of raw.slice(-2)) expect(line.match(/"request_id":/g)).toHaveLength(1);
      } finally {
        await logged.close();
      }
    });

    it("never logs authorization headers, passwords or tokens, even at trace level", async () => {
      const { logger, raw } = capturingLogger("trace");
      const logged = await testApiOn("pglite", testDatabase, { logger });
      try {
        const user = await logged.signUp("secretive");
        const pair = await logged.logIn(user.username);
        await logged.app.inject({ method: "POST", url: "/api/auth/refresh/", payload: { refresh: pair.refresh } });
        await logged.app.inject({
          method: "POST",
          url: "/api/auth/login/",
          payload: { username: user.username, password: "wrong password 123" },
        });
        await logged.app.inject({
          method: "GET",
          url: "/api/auth/me/",
          headers: { authorization: `Bearer ${pair.access}` },
        });
        const output = raw.join("");
        expect(output).toContain('"route":"/api/auth/me/"');
        for (const secret of [PASSWORD, "wrong password 123", pair.access, pair.refresh, user.access, user.refresh])
          expect(output).not.toContain(secret);
      } finally {
        await logged.close();
      }
    });
  });

  describe("CORS", () => {
    const preflight = (origin: string) =>
      api.app.inject({
        method: "OPTIONS",
        url: "/api/tasks/",
        headers: {
          origin,
          "access-control-request-method": "PATCH",
          "access-control-request-headers": "authorization,content-type,x-request-id",
        },
      });

    it("allows a preflight from http://localhost:5173 and from 127.0.0.1 on any port", async () => {
      for (const origin of ["http://localhost:5173", "http://127.0.0.1:8080", "http://localhost"]) {
        const response = await preflight(origin);
        expect(response.statusCode).toBe(204);
        expect(response.headers["access-control-allow-origin"]).toBe(origin);
        expect(list(response.headers["access-control-allow-methods"])).toEqual(
          expect.arrayContaining(["GET", "POST", "PUT", "PATCH", "DELETE"]),
        );
        expect(list(response.headers["access-control-allow-headers"])).toEqual([
          "authorization",
          "content-type",
          "x-request-id",
          "x-csrftoken",
        ]);
        expect(response.headers["access-control-allow-credentials"]).toBe("true");
      }
    });

    it("gives any other origin no Access-Control-Allow-Origin", async () => {
      for (const origin of ["http://evil.example", "https://localhost:5173", "http://localhost.evil.example"]) {
        expect((await preflight(origin)).headers["access-control-allow-origin"]).toBeUndefined();
        const simple = await api.app.inject({ method: "GET", url: "/api/health/", headers: { origin } });
        expect(simple.headers["access-control-allow-origin"]).toBeUndefined();
      }
    });

    it("exposes location and x-request-id to allowed origins", async () => {
      const response = await api.app.inject({
        method: "POST",
        url: "/api/tasks/",
        headers: { ...alice.auth, origin: "http://localhost:5173" },
        payload: { title: "from the browser" },
      });
      expect(response.headers["access-control-allow-origin"]).toBe("http://localhost:5173");
      expect(list(response.headers["access-control-expose-headers"])).toEqual(["location", "x-request-id"]);
    });

    it("allows the exact origins listed in CORS_ORIGINS", async () => {
      const configured = await testApiOn("pglite", testDatabase, {
        config: { corsOrigins: ["https://app.example.com"] },
      });
      try {
        const response = await configured.app.inject({
          method: "GET",
          url: "/api/health/",
          headers: { origin: "https://app.example.com" },
        });
        expect(response.headers["access-control-allow-origin"]).toBe("https://app.example.com");
        const other = await configured.app.inject({
          method: "GET",
          url: "/api/health/",
          headers: { origin: "https://app.example.com.evil" },
        });
        expect(other.headers["access-control-allow-origin"]).toBeUndefined();
      } finally {
        await configured.close();
      }
    });
  });

  describe("security headers", () => {
    it("sends nosniff, no framing and no referrer, and no HSTS outside production", async () => {
      const response = await api.app.inject({ method: "GET", url: "/api/tasks/", headers: alice.auth });
      expect(response.headers["x-content-type-options"]).toBe("nosniff");
      expect(response.headers["x-frame-options"]).toBe("DENY");
      expect(response.headers["referrer-policy"]).toBe("no-referrer");
      expect(response.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
      expect(response.headers["strict-transport-security"]).toBeUndefined();
    });

    it("sends HSTS in production", async () => {
      const production = await testApiOn("pglite", testDatabase, { config: { production: true } });
      try {
        const response = await production.app.inject({ method: "GET", url: "/api/health/" });
        expect(response.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
      } finally {
        await production.close();
      }
    });
  });

  describe("health", () => {
    it("answers liveness and readiness", async () => {
      const live = await api.app.inject({ method: "GET", url: "/api/health/" });
      expect(live.statusCode).toBe(200);
      expect(live.json()).toEqual({ status: "ok" });
      const ready = await api.app.inject({ method: "GET", url: "/api/health/ready" });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toEqual({ status: "ok", database: "ok" });
    });
  });

  describe("documentation", () => {
    it("serves an OpenAPI 3.1 document of every route, generated from the schemas", async () => {
      const response = await api.app.inject({ method: "GET", url: "/api/openapi.json" });
      expect(response.statusCode).toBe(200);
      const document = response.json();
      expect(document.openapi).toBe("3.1.0");
      expect(Object.keys(document.paths).sort()).toEqual([
        "/api/auth/csrf/",
        "/api/auth/login/",
        "/api/auth/logout/",
        "/api/auth/me/",
        "/api/auth/password/",
        "/api/auth/refresh/",
        "/api/auth/session/",
        "/api/auth/sessions/",
        "/api/auth/sessions/{id}/",
        "/api/health/",
        "/api/health/ready/",
        "/api/tasks/",
        "/api/tasks/{id}/",
        "/api/token/",
        "/api/token/blacklist/",
        "/api/token/refresh/",
        "/api/token/verify/",
      ]);
      const create = document.paths["/api/tasks/"].post;
      const body = create.requestBody.content["application/json"].schema;
      expect(body.required).toEqual(["title"]);
      expect(body.additionalProperties).toBe(false);
      expect(create.responses["400"].content["application/problem+json"]).toBeDefined();
      expect(document.paths["/api/auth/login/"].post.security).toEqual([]);
      expect(document.security).toEqual([{ bearerAuth: [] }, { cookieAuth: [] }]);
    });

    it("serves the interactive page without a token", async () => {
      for (const url of ["/api/docs/", "/api/docs"]) {
        const response = await api.app.inject({ method: "GET", url });
        expect(response.statusCode).toBe(200);
        expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
        expect(response.body).toContain("swagger-ui");
      }
    });

    it("can be switched off", async () => {
      const hidden = await testApiOn("pglite", testDatabase, { config: { apiDocs: false } });
      try {
        expectProblem(await hidden.app.inject({ method: "GET", url: "/api/openapi.json" }), 404);
        expectProblem(await hidden.app.inject({ method: "GET", url: "/api/docs/" }), 404);
      } finally {
        await hidden.close();
      }
    });
  });
});
