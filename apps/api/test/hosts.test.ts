import { type Config, loadConfig } from "@tasks/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, type ProblemBody } from "./support/http.ts";
import { rawRequest } from "./support/raw-http.ts";
import { openTestApi, type TestApi, type TestUser, testApiOn } from "./support/test-api.ts";

interface PageBody {
  next: string | null;
  previous: string | null;
}

const MALFORMED = "The Host header is missing, malformed or sent more than once.";
const NOT_SERVED = "This server does not serve the host named in the Host header.";
const REQUEST_ID = "host-check-1";

describe("the Host header", () => {
  let api: TestApi;
  let alice: TestUser;

  beforeAll(async () => {
    api = await openTestApi("pglite");
    alice = await api.signUp("alice");
    for (const title of ["first", "second", "third"])
      expect(
        (await api.app.inject({ method: "POST", url: "/api/tasks/", headers: alice.auth, payload: { title } }))
          .statusCode,
      ).toBe(201);
  });
  afterAll(async () => {
    await api?.close();
  });

  const listOn = (app: TestApi, host: string, query = "?page_size=1&page=2", auth = alice.auth) =>
    app.app.inject({
      method: "GET",
      url: `/api/tasks/${query}`,
      headers: { ...auth, host, "x-request-id": REQUEST_ID },
    });

  /** Another app on the same database, configured as `env` would configure it, with alice logged in there through `host`. */
  async function appWith(env: Record<string, string>, host: string) {
    const config: Config = loadConfig(env);
    const app = await testApiOn("pglite", api.testDatabase, { config });
    const login = await app.app.inject({
      method: "POST",
      url: "/api/auth/login/",
      headers: { host },
      payload: { username: alice.username, password: alice.password },
    });
    expect(login.statusCode, login.body).toBe(200);
    const auth = { authorization: `Bearer ${login.json<{ access: string }>().access}` };
    return { app, list: (onHost: string, query?: string) => listOn(app, onHost, query, auth) };
  }

  function expectRefused(response: Awaited<ReturnType<typeof listOn>>, detail: string): ProblemBody {
    const body = expectProblem(response, 400);
    expect(body).toMatchObject({ type: "urn:tasks:problem:invalid-host", title: "Invalid host", detail });
    expect(response.headers["x-request-id"]).toBe(REQUEST_ID);
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["x-frame-options"]).toBe("DENY");
    return body;
  }

  describe("through app.inject", () => {
    it("answers 400 problem details to Host: evil.example, keeping the request id and security headers, with no link", async () => {
      const response = await listOn(api, "evil.example");
      expectRefused(response, NOT_SERVED);
      expect(response.body).not.toContain("evil.example");
    });

    it("refuses a host that is not served before anything else runs: public routes, CORS preflights, authentication", async () => {
      const headers = { host: "evil.example:3000", "x-request-id": REQUEST_ID };
      expectRefused(await api.app.inject({ method: "GET", url: "/api/health/", headers }), NOT_SERVED);
      expectRefused(await api.app.inject({ method: "GET", url: "/api/tasks/", headers }), NOT_SERVED);
      expectRefused(await api.app.inject({ method: "GET", url: "/no/such/path", headers }), NOT_SERVED);
      const preflight = await api.app.inject({
        method: "OPTIONS",
        url: "/api/tasks/",
        headers: { ...headers, origin: "http://localhost:5173", "access-control-request-method": "POST" },
      });
      expectRefused(preflight, NOT_SERVED);
      expect(preflight.headers["access-control-allow-origin"]).toBeUndefined();
    });

    it.each([
      "a b",
      "[::1",
      "::1",
      "x:99999",
      "localhost:",
      "localhost:3000:3000",
      "local_host",
      "localhost/evil",
      "user@localhost",
      "localhost,evil.example",
    ])("answers 400 to the malformed Host %j", async (host) => {
      expectRefused(await listOn(api, host), MALFORMED);
    });

    it.each([
      ["localhost", "http://localhost"],
      ["localhost:3000", "http://localhost:3000"],
      ["LocalHost:3000", "http://localhost:3000"],
      ["localhost.:3000", "http://localhost.:3000"],
      ["127.0.0.1:8080", "http://127.0.0.1:8080"],
      ["[::1]:3000", "http://[::1]:3000"],
      ["[::1]", "http://[::1]"],
    ])("serves the development host %j on any port, and links to it", async (host, origin) => {
      const response = await listOn(api, host);
      expect(response.statusCode, response.body).toBe(200);
      const page = response.json<PageBody>();
      expect(page.next).toBe(`${origin}/api/tasks/?page_size=1&page=3`);
      expect(page.previous).toBe(`${origin}/api/tasks/?page_size=1`);
    });

    it("matches ALLOWED_HOSTS as Django does: exact names in any case, .domain for it and its subdomains", async () => {
      const configured = await appWith({ ALLOWED_HOSTS: "API.test,.example.com" }, "api.test");
      try {
        for (const host of ["api.test", "API.TEST:8080", "example.com", "www.example.com:8443", "a.b.example.com"])
          expect((await configured.list(host)).statusCode, host).toBe(200);
        for (const host of ["localhost:3000", "127.0.0.1", "badexample.com", "example.com.evil", "api.test.evil"])
          expectRefused(await configured.list(host), NOT_SERVED);
        expect((await configured.list("www.example.com:8443")).json<PageBody>().next).toBe(
          "http://www.example.com:8443/api/tasks/?page_size=1&page=3",
        );
      } finally {
        await configured.app.close();
      }
    });

    it("serves any well-formed host with ALLOWED_HOSTS=*, and still refuses a malformed one", async () => {
      const configured = await appWith({ ALLOWED_HOSTS: "*" }, "anything.example");
      try {
        expect((await configured.list("anything.example:81")).statusCode).toBe(200);
        expectRefused(await configured.list("a b"), MALFORMED);
      } finally {
        await configured.app.close();
      }
    });

    it("links to PUBLIC_URL, with its path prefix, whatever allowed host the request names", async () => {
      const configured = await appWith(
        { PUBLIC_URL: "https://tasks.example.com/todo/", ALLOWED_HOSTS: "api.internal" },
        "api.internal",
      );
      try {
        for (const host of ["api.internal:3000", "tasks.example.com"]) {
          const response = await configured.list(host);
          expect(response.statusCode, response.body).toBe(200);
          expect(response.json<PageBody>()).toMatchObject({
            next: "https://tasks.example.com/todo/api/tasks/?page_size=1&page=3",
            previous: "https://tasks.example.com/todo/api/tasks/?page_size=1",
          });
        }
        expectRefused(await configured.list("localhost:3000"), NOT_SERVED);
      } finally {
        await configured.app.close();
      }
    });

    it("serves only the host of PUBLIC_URL when it is set alone", async () => {
      const configured = await appWith({ PUBLIC_URL: "http://[::1]:8000" }, "[::1]");
      try {
        const response = await configured.list("[::1]:3000", "?page_size=2");
        expect(response.statusCode, response.body).toBe(200);
        expect(response.json<PageBody>().next).toBe("http://[::1]:8000/api/tasks/?page_size=2&page=2");
        expectRefused(await configured.list("localhost"), NOT_SERVED);
      } finally {
        await configured.app.close();
      }
    });
  });

  describe("through a real socket", () => {
    let port: number;

    beforeAll(async () => {
      await api.app.listen({ host: "127.0.0.1", port: 0 });
      port = (api.app.server.address() as { port: number }).port;
    });

    const get = (hostLines: string, { version = "1.1", target = "/api/tasks/?page_size=1" } = {}) =>
      rawRequest(
        port,
        `GET ${target} HTTP/${version}\r\n${hostLines}authorization: ${alice.auth.authorization}\r\n` +
          `x-request-id: ${REQUEST_ID}\r\nconnection: close\r\n\r\n`,
      );

    function expectRefusedOnWire(answer: Awaited<ReturnType<typeof get>>, detail: string): void {
      expect(answer.status, answer.body).toBe(400);
      expect(answer.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
      expect(answer.headers["x-request-id"]).toBe(REQUEST_ID);
      expect(answer.headers["x-content-type-options"]).toBe("nosniff");
      expect(JSON.parse(answer.body)).toMatchObject({ status: 400, type: "urn:tasks:problem:invalid-host", detail });
    }

    it("answers 400 problem details to Host: evil.example and names it nowhere", async () => {
      const answer = await get("Host: evil.example\r\n");
      expectRefusedOnWire(answer, NOT_SERVED);
      expect(answer.body).not.toContain("evil");
    });

    it.each([
      ["an empty Host", "Host: \r\n"],
      ["Host: a b", "Host: a b\r\n"],
      ["Host: [::1", "Host: [::1\r\n"],
      ["Host: x:99999", "Host: x:99999\r\n"],
      ["a Host that is not ASCII", "Host: \u00e9vil.example\r\n"],
      ["two Host headers, the allowed one first", "Host: localhost\r\nHost: evil.example\r\n"],
      ["two Host headers, the allowed one last", "host: evil.example\r\nHOST: localhost\r\n"],
      ["two equal Host headers", "Host: localhost\r\nHost: localhost\r\n"],
      ["no Host header", ""],
    ])("answers 400 problem details to %s", async (_name, hostLines) => {
      expectRefusedOnWire(await get(hostLines), MALFORMED);
    });

    it("answers 400 problem details to an HTTP/1.0 request without Host", async () => {
      expectRefusedOnWire(await get("", { version: "1.0" }), MALFORMED);
    });

    it("serves an allowed host with its port and links to it", async () => {
      for (const host of [`localhost:${port}`, `[::1]:${port}`, "127.0.0.1"]) {
        const answer = await get(`Host: ${host}\r\n`);
        expect(answer.status, answer.body).toBe(200);
        expect(JSON.parse(answer.body).next).toBe(`http://${host}/api/tasks/?page_size=1&page=2`);
      }
    });

    it("links an absolute-form request target to its path on the allowed host, never to the target's host", async () => {
      const answer = await get(`Host: localhost:${port}\r\n`, { target: "http://evil.example/api/tasks/?page_size=1" });
      expect(answer.status, answer.body).toBe(200);
      expect(JSON.parse(answer.body).next).toBe(`http://localhost:${port}/api/tasks/?page_size=1&page=2`);
    });
  });
});
