import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblemOnWire, rawRequest } from "./support/raw-http.ts";
import { openTestApi, type TestApi, type TestUser } from "./support/test-api.ts";

const REQUEST_ID = "before-routing-1";

// What Node's HTTP parser and Fastify's router refuse before any route or hook runs, sent
// byte for byte through a real socket: app.inject skips the parser, so it cannot see these.
describe("requests refused before routing", () => {
  let api: TestApi;
  let alice: TestUser;
  let port: number;

  beforeAll(async () => {
    api = await openTestApi("pglite");
    alice = await api.signUp("alice");
    await api.app.listen({ host: "127.0.0.1", port: 0 });
    port = (api.app.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await api?.close();
  });

  const head = (requestLine: string, ...headerLines: string[]) =>
    `${requestLine}\r\n${["Host: localhost", `x-request-id: ${REQUEST_ID}`, ...headerLines].join("\r\n")}\r\n\r\n`;

  async function taskCount(): Promise<number> {
    const response = await api.app.inject({ method: "GET", url: "/api/tasks/", headers: alice.auth });
    return response.json<{ count: number }>().count;
  }

  describe("by Node's HTTP parser", () => {
    it.each([
      ["a request line that is not HTTP", "GARBAGE\r\n\r\n"],
      ["a request line with an unknown protocol", "GET /api/health/ HTXP/1.1\r\nHost: localhost\r\n\r\n"],
      ["a header name with a space", head("GET /api/health/ HTTP/1.1", "bad header: x")],
      ["a header value with a control character", head("GET /api/health/ HTTP/1.1", "x-note: a\u0001b")],
      ["a header line without a colon", head("GET /api/health/ HTTP/1.1", "nocolon")],
      [
        "both Content-Length and Transfer-Encoding",
        `${head("POST /api/tasks/ HTTP/1.1", "content-length: 2", "transfer-encoding: chunked")}{}`,
      ],
      [
        "two Content-Length headers that differ",
        head("POST /api/tasks/ HTTP/1.1", "content-length: 2", "content-length: 3"),
      ],
    ])("answers %s with 400 problem details", async (_name, bytes) => {
      const body = expectProblemOnWire(await rawRequest(port, bytes), 400);
      expect(body.detail).toBe("The request is not well-formed HTTP/1.1.");
    });

    it("answers a chunk size that is not hexadecimal, in a body being read for a route, with 400 problem details", async () => {
      const answer = await rawRequest(
        port,
        `${head("POST /api/tasks/ HTTP/1.1", `authorization: ${alice.auth.authorization}`, "transfer-encoding: chunked", "content-type: application/json")}zz\r\n`,
      );
      expectProblemOnWire(answer, 400);
      expect(await taskCount()).toBe(0);
    });

    it("answers a header block over the limit with 431 problem details", async () => {
      const answer = await rawRequest(port, head("GET /api/health/ HTTP/1.1", `x-padding: ${"a".repeat(20_000)}`));
      expect(expectProblemOnWire(answer, 431).detail).toBe(
        "The request line and headers together are larger than this server accepts.",
      );
    });

    it("answers a URL over the limit with 431 problem details", async () => {
      const answer = await rawRequest(port, head(`GET /api/tasks/?search=${"a".repeat(20_000)} HTTP/1.1`));
      expectProblemOnWire(answer, 431);
    });

    it("gives each refusal its own request id, and keeps the answer off a connection already answering", async () => {
      const [first, second] = await Promise.all([
        rawRequest(port, "GARBAGE\r\n\r\n"),
        rawRequest(port, "NOPE\r\n\r\n"),
      ]);
      expect(first.headers["x-request-id"]).not.toBe(second.headers["x-request-id"]);
    });
  });

  describe("by Fastify's router", () => {
    it("answers a method Node's parser reads but no router knows (PRI without a version) with 404 problem details (found by fuzz-wire: it had no request id nor security headers)", async () => {
      const answer = await rawRequest(port, "PRI /api/openapi.json\r\nHost: localhost\r\nx-request-id: pri-1\r\n\r\n");
      expectProblemOnWire(answer, 404);
      expect(answer.headers["x-request-id"]).toBe("pri-1");
    });

    it("answers a path parameter past the router's limit with 414 problem details and the caller's request id", async () => {
      const answer = await rawRequest(
        port,
        head(
          `GET /api/tasks/${"1".repeat(101)}/ HTTP/1.1`,
          `authorization: ${alice.auth.authorization}`,
          "connection: close",
        ),
      );
      const body = expectProblemOnWire(answer, 414);
      expect(answer.headers["x-request-id"]).toBe(REQUEST_ID);
      expect(body.detail).toBe("A segment of the request path is longer than this server accepts.");
    });

    it("answers a path parameter that does not decode with 400 problem details", async () => {
      const answer = await rawRequest(port, head("GET /api/tasks/%E0%A4%A/ HTTP/1.1", "connection: close"));
      expect(expectProblemOnWire(answer, 400).detail).toBe("The request URL is malformed.");
      expect(answer.headers["x-request-id"]).toBe(REQUEST_ID);
    });
  });

  describe("request bodies", () => {
    const post = (body: string, ...headerLines: string[]) =>
      head(
        "POST /api/tasks/ HTTP/1.1",
        `authorization: ${alice.auth.authorization}`,
        "content-type: application/json",
        "connection: close",
        ...headerLines,
      ) + body;

    it("answers a body over the limit with 413 problem details, and creates nothing", async () => {
      const body = JSON.stringify({ title: "x".repeat(70_000) });
      const answer = await rawRequest(port, post(body, `content-length: ${body.length}`));
      expectProblemOnWire(answer, 413);
      expect(await taskCount()).toBe(0);
    });

    it("answers a chunked body that grows over the limit with 413 problem details", async () => {
      const chunk = "x".repeat(40_000);
      const body = `${`${(40_000).toString(16)}\r\n${chunk}\r\n`.repeat(2)}0\r\n\r\n`;
      const answer = await rawRequest(port, post(body, "transfer-encoding: chunked"));
      expectProblemOnWire(answer, 413);
      expect(await taskCount()).toBe(0);
    });

    it("answers a body cut short of its Content-Length with 400 problem details, and creates nothing", async () => {
      const answer = await rawRequest(port, post('{"title":"cut', "content-length: 40"), { halfClose: true });
      expectProblemOnWire(answer, 400);
      expect(await taskCount()).toBe(0);
    });

    it("answers a compressed body with 415 problem details naming the encodings it reads", async () => {
      const body = '{"title":"gzip"}';
      const answer = await rawRequest(port, post(body, `content-length: ${body.length}`, "content-encoding: gzip"));
      expect(expectProblemOnWire(answer, 415).type).toBe("urn:tasks:problem:unsupported-content-encoding");
      expect(answer.headers["accept-encoding"]).toBe("identity");
      expect(await taskCount()).toBe(0);
    });

    it("reads a body whose Content-Encoding is identity", async () => {
      const body = '{"title":"plain"}';
      const answer = await rawRequest(port, post(body, `content-length: ${body.length}`, "content-encoding: identity"));
      expect(answer.status, answer.body).toBe(201);
      const deleted = await api.app.inject({
        method: "DELETE",
        url: `/api/tasks/${JSON.parse(answer.body).id}/`,
        headers: alice.auth,
      });
      expect(deleted.statusCode).toBe(204);
    });

    it("answers invalid JSON with 400 problem details", async () => {
      const body = '{"title":';
      const answer = await rawRequest(port, post(body, `content-length: ${body.length}`));
      expect(expectProblemOnWire(answer, 400).detail).toBe("The request body is not valid JSON.");
      expect(await taskCount()).toBe(0);
    });
  });
});
