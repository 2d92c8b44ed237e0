import { connect } from "node:net";
import { expect } from "vitest";
import type { ProblemBody } from "./http.ts";

export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * Bytes written as they are on a fresh connection to `port`, then the connection's write
 * side closed (or not, with `halfClose: false`), and the answer as the server sent it:
 * what `app.inject` cannot do, since it skips Node's HTTP parser.
 */
export async function rawRequest(
  port: number,
  bytes: string | Buffer,
  { halfClose = false }: { halfClose?: boolean } = {},
): Promise<RawAnswer> {
  const answer = await new Promise<string>((resolve, reject) => {
    let data = "";
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(bytes);
      if (halfClose) socket.end();
    });
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      data += chunk;
    });
    socket.on("close", () => resolve(data));
    // A server that answers and closes before reading everything sent resets the connection.
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "ECONNRESET" && error.code !== "EPIPE") reject(error);
    });
  });
  const [top = "", ...rest] = answer.split("\r\n\r\n");
  const [statusLine = "", ...headerLines] = top.split("\r\n");
  const headers = Object.fromEntries(
    headerLines.map((line) => [
      line.slice(0, line.indexOf(":")).toLowerCase(),
      line.slice(line.indexOf(":") + 1).trim(),
    ]),
  );
  let body = rest.join("\r\n\r\n");
  // A chunked body: the chunks' sizes are not part of the content.
  if (headers["transfer-encoding"] === "chunked") body = body.replace(/^[0-9a-f]+\r\n|\r\n[0-9a-f]+\r\n/g, "").trim();
  return { status: Number(statusLine.split(" ")[1]), headers, body };
}

/** `answer` is problem details with `status`, a request id and the security headers; returns the body. */
export function expectProblemOnWire(answer: RawAnswer, status: number): ProblemBody {
  expect(answer.status, answer.body).toBe(status);
  expect(answer.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
  expect(answer.headers["x-request-id"]).toMatch(/^[\w.:-]{1,128}$/);
  expect(answer.headers["x-content-type-options"]).toBe("nosniff");
  expect(answer.headers["x-frame-options"]).toBe("DENY");
  expect(answer.headers["referrer-policy"]).toBe("no-referrer");
  expect(answer.headers["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
  expect(Number(answer.headers["content-length"])).toBe(Buffer.byteLength(answer.body, "latin1"));
  const body = JSON.parse(answer.body) as ProblemBody;
  expect(Object.keys(body).sort()).toEqual(["detail", "instance", "status", "title", "type"]);
  expect(body).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
  expect(body.detail.length).toBeGreaterThan(0);
  expect(body.instance).toMatch(/^\//);
  return body;
}
