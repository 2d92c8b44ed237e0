import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { type FastifyBaseLogger, type FastifyReply, type FastifyRequest, LogController } from "fastify";
import pino, { type DestinationStream, type LoggerOptions } from "pino";
import { SERVER_ERROR } from "./problems.ts";

export const REQUEST_ID_HEADER = "x-request-id";
// The request id's field in every line logged for a request.
const REQUEST_ID_FIELD = "request_id";

// A caller's id is kept only if it is short and plain, so it cannot forge log lines or bloat them.
const ACCEPTABLE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The caller's `x-request-id` when it is acceptable, otherwise a new UUID. */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers[REQUEST_ID_HEADER];
  return typeof given === "string" && ACCEPTABLE_REQUEST_ID.test(given) ? given : randomUUID();
}

// Query parameters whose values are never logged: credentials a careless client put in a
// URL (CONTRACT.md 1.9 names token, access, refresh, password and secret), matched on the
// decoded name in any case, so `Access_Token` and `%74oken` are caught too.
const SENSITIVE_PARAMETER = /token|access|refresh|passw|secret|session|jwt|csrf|auth|key|credential/i;
const QUERY_PARAMETER = /([^&;=]*)=([^&;]*)/g;

/** `url` with the values of its sensitive query parameters replaced by `[redacted]`. */
export function redactedUrl(url: string): string {
  const queryStart = url.indexOf("?");
  if (queryStart < 0) return url;
  const query = url
    .slice(queryStart + 1)
    .replace(QUERY_PARAMETER, (parameter, name: string) =>
      SENSITIVE_PARAMETER.test(decodedName(name)) ? `${name}=[redacted]` : parameter,
    );
  return `${url.slice(0, queryStart + 1)}${query}`;
}

function decodedName(name: string): string {
  const plain = name.replace(/\+/g, " ");
  try {
    return decodeURIComponent(plain);
  } catch {
    // Not valid percent-encoding: a parser would not decode it either.
    return plain;
  }
}
export type LogFormat = "json" | "pretty";

/**
 * How the server writes its log: human-readable lines when a developer watches it on a
 * terminal, JSON lines everywhere else (production, tests, a pipe, a file, a container's
 * log collector), where machines read them.
 */
export function logFormat(nodeEnv: string | undefined, stdoutIsTerminal: boolean): LogFormat {
  const development = nodeEnv === undefined || nodeEnv === "" || nodeEnv === "development";
  return development && stdoutIsTerminal ? "pretty" : "json";
}

// pino-pretty runs in pino's worker thread, so that formatting never holds up a request.
const PRETTY_TRANSPORT = {
  target: "pino-pretty",
  options: { colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname", singleLine: true },
};

// A line waits at most this long for the ones after it before it is written.
const LOG_FLUSH_INTERVAL_MS = 100;
// POSIX's PIPE_BUF on Linux: a write to a pipe of at most this many bytes is never split, so
// the lines of the processes of WEB_CONCURRENCY, which share one stdout, never interleave.
const ATOMIC_PIPE_WRITE_BYTES = 4096;

/**
 * Where JSON lines go: stdout, in writes of 3.5 to 4 KB (about a dozen request lines) made
 * by the thread that logs, and whatever is waiting at least every LOG_FLUSH_INTERVAL_MS and
 * when the process exits. A write per line was a system call per request: batching them
 * cut the list's CPU by about a sixth under `pnpm bench` (see the README). A process
 * killed outright (SIGKILL, the OOM killer) loses the lines of its last 100 ms. A stdout
 * that stops being read holds the server up (a log collector that stopped reading would
 * lose lines either way). Pretty lines go through pino-pretty's worker (no destination).
 */
export function logDestination(format: LogFormat): DestinationStream | undefined {
  if (format !== "json") return undefined;
  const destination = pino.destination({
    dest: 1,
    sync: true,
    minLength: ATOMIC_PIPE_WRITE_BYTES - 512,
    maxWrite: ATOMIC_PIPE_WRITE_BYTES,
    periodicFlush: LOG_FLUSH_INTERVAL_MS,
  });
  // pino writes what waits at exit only for a destination that is not synchronous.
  process.on("exit", () => destination.flushSync());
  return destination;
}

const CENSOR = "[redacted]";
const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'res.headers["set-cookie"]',
  "headers.authorization",
  "headers.cookie",
  "*.password",
  "*.refresh",
  "*.access",
  "*.token",
  "password",
  "refresh",
  "access",
  "token",
];
// Without the paths under any key (`*.`): pino runs those on every value of every line,
// numbers and strings included, parsing each path again each time (2.7 against 0.7 µs for
// a request line, in a loop of 300,000).
const NAMED_PATHS = REDACTED_PATHS.filter((path) => !path.startsWith("*."));

/**
 * pino settings for the server. Nothing this app logs carries headers or bodies, and
 * these paths make sure that credentials stay out even if an error or a plugin does
 * (redaction happens before a line is written, whatever its format).
 */
export function loggerOptions(level: string, format: LogFormat = "json"): LoggerOptions {
  return {
    level,
    ...(format === "pretty" ? { transport: PRETTY_TRANSPORT } : {}),
    redact: { paths: REDACTED_PATHS, censor: CENSOR },
  };
}

/**
 * One log line per request, written when the response is done: method, route, URL (its
 * credentials redacted), status, duration, request id and user id. A 5xx line is an error
 * carrying the error and its stack, which never reach the client.
 */
export class RequestLogController extends LogController {
  // The completed request's line holds only the fields above, which this class builds from
  // plain values, so it is written with the named paths' redaction only; a failed
  // request's line carries an error, which could hold anything, and gets all of it. Being
  // the server's logger and not the request's, it would not follow a route's `logLevel`
  // (no route sets one).
  readonly #completed: FastifyBaseLogger | undefined;

  /** `logger`: the server's; none for a silent server. */
  constructor(logger: FastifyBaseLogger | undefined) {
    super({ requestIdLogLabel: REQUEST_ID_FIELD });
    this.#completed = logger?.child({}, { redact: { paths: NAMED_PATHS, censor: CENSOR } });
  }

  override incomingRequest(): void {}

  override routeNotFound(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = {
      method: request.method,
      route: request.routeOptions.url ?? null,
      url: redactedUrl(request.url),
      status: reply.statusCode,
      duration_ms: Math.round(reply.elapsedTime * 100) / 100,
      user_id: request.user?.id ?? null,
    };
    const failure = error ?? request[SERVER_ERROR];
    if (failure !== undefined || reply.statusCode >= 500) reply.log.error({ ...line, err: failure }, "request failed");
    else this.#completed?.info({ [REQUEST_ID_FIELD]: request.id, ...line }, "request completed");
  }
}
