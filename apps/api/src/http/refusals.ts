import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { ConnectionError, FastifyBaseLogger, FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { PROBLEM_CONTENT_TYPE, type Problem } from "../schemas/problem.schema.ts";
import { problemFor, sendProblem } from "./problems.ts";
import { REQUEST_ID_HEADER } from "./request-logging.ts";

// The answers to requests refused before any route or hook runs (CONTRACT.md 1.5): the
// same problem details, request id and security headers as every other answer.

/**
 * What Fastify's option `frameworkErrors` calls for the refusals it makes before routing
 * (a URL that does not decode, a path parameter past the router's `maxParamLength`): no
 * hook has run, so the headers every answer carries are set here.
 */
export function frameworkErrorHandler(
  stamp: (request: FastifyRequest, reply: FastifyReply) => void,
  bodyLimit: number,
) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    stamp(request, reply);
    sendProblem(reply, problemFor(error, request, bodyLimit));
  };
}

/** Node's parser errors and what the client is told about each; any other parse error is a 400. */
const CLIENT_ERRORS: Readonly<Record<string, { status: number; detail: string }>> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    detail: "The request line and headers together are larger than this server accepts.",
  },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: {
    status: 413,
    detail: "The chunk extensions of the request body are larger than this server accepts.",
  },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, detail: "The request was not received in time." },
};
const MALFORMED_REQUEST = { status: 400, detail: "The request is not well-formed HTTP/1.1." };

/**
 * What Fastify's option `clientErrorHandler` calls when Node's HTTP parser refuses the
 * bytes on a connection: there is no request to answer through Fastify, so the problem
 * details, the request id and the security headers are written on the socket by hand,
 * as Node's own handler writes its bare answer. The log line names the error code only:
 * the error carries the raw bytes received (`rawPacket`), credentials included.
 */
export function clientErrorHandler(headers: Readonly<Record<string, string>>, log: () => FastifyBaseLogger) {
  return (error: ConnectionError, socket: Socket): void => {
    if (error.code === "ECONNRESET" || socket.destroyed) return;
    // A response already under way on this connection cannot be followed by another one.
    const pending = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!socket.writable || pending?.headersSent === true) {
      socket.destroy();
      return;
    }
    const requestId = randomUUID();
    const { status, detail } = CLIENT_ERRORS[error.code] ?? MALFORMED_REQUEST;
    const body = JSON.stringify({
      type: "about:blank",
      title: STATUS_CODES[status] ?? "Client error",
      status,
      detail,
      instance: "/",
    } satisfies Problem);
    const lines = Object.entries({
      ...headers,
      [REQUEST_ID_HEADER]: requestId,
      "content-type": PROBLEM_CONTENT_TYPE,
      "content-length": String(Buffer.byteLength(body)),
      connection: "close",
    }).map(([name, value]) => `${name}: ${value}\r\n`);
    log().info({ request_id: requestId, status, code: error.code }, "request refused by the HTTP parser");
    // end, not write and destroy as Node does: destroy can drop the answer before it is sent.
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${lines.join("")}\r\n${body}`);
    socket.destroySoon();
  };
}
