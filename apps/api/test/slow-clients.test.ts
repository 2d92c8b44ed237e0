import { request } from "node:http";
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestApi, type TestApi } from "./support/test-api.ts";

// Small timeouts so that the test is quick; the assertions never depend on how quickly
// the server cuts a connection, only that it does and that others are answered meanwhile.
const TIMEOUTS = { headersTimeoutMs: 2000, requestTimeoutMs: 3000, keepAliveTimeoutMs: 500 };
const SLOW_CONNECTIONS = 60;
// Far past every timeout above: if the server never cuts a connection, its test times out.
const GENEROUS_MS = 60_000;

interface SlowConnection {
  readonly socket: Socket;
  /** Everything the server sent on it. */
  received: string;
  /** Settles when the connection closes: the test itself never closes one. */
  readonly closed: Promise<void>;
}

/** Opens a connection that sends `head` then one byte of `trickle` (if any) every 100 ms, for ever. */
function slowConnection(port: number, head: string, trickle: string): Promise<SlowConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let timer: NodeJS.Timeout | undefined;
    const connection: SlowConnection = {
      socket,
      received: "",
      closed: new Promise((closed) =>
        socket.on("close", () => {
          clearInterval(timer);
          closed();
        }),
      ),
    };
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      connection.received += chunk;
    });
    // The server resets some of them after its answer; a reset is a cut-off too.
    socket.on("error", () => undefined);
    socket.once("connect", () => {
      socket.write(head);
      if (trickle === "") return resolve(connection);
      let index = 0;
      timer = setInterval(() => {
        if (!socket.writable) return;
        socket.write(trickle[index % trickle.length] as string);
        index += 1;
      }, 100);
      resolve(connection);
    });
    socket.once("error", reject);
  });
}

/** One GET on a fresh connection: the status, or the error. */
function get(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: "127.0.0.1", port, path, agent: false, headers: { connection: "close" } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    outgoing.on("error", reject);
    outgoing.end();
  });
}

describe("slow and idle clients", () => {
  let api: TestApi;
  let port: number;

  beforeAll(async () => {
    api = await openTestApi("pglite", { config: TIMEOUTS });
    await api.app.listen({ host: "127.0.0.1", port: 0 });
    const address = api.app.server.address();
    port = typeof address === "object" && address !== null ? address.port : 0;
  });
  afterAll(async () => {
    await api?.close();
  });

  it(
    "cuts off connections sending their headers a byte at a time, answering a normal client throughout",
    async () => {
      const slow = await Promise.all(
        Array.from({ length: SLOW_CONNECTIONS }, () =>
          slowConnection(port, "GET /api/health/ HTTP/1.1\r\nHost: localhost\r\n", "X-Slow: never-ending\r\n"),
        ),
      );
      let open = slow.length;
      for (const connection of slow) void connection.closed.then(() => (open -= 1));

      // A normal client asks again and again until the last slow connection is cut off.
      const statuses: number[] = [];
      let sentWhileAllOpen = 0;
      while (open > 0) {
        if (open === SLOW_CONNECTIONS) sentWhileAllOpen += 1;
        statuses.push(await get(port, "/api/health/"));
      }
      await Promise.all(slow.map((connection) => connection.closed));

      expect(new Set(statuses)).toEqual(new Set([200]));
      expect(sentWhileAllOpen).toBeGreaterThan(0);
      // Each was answered 408 (or reset) by the server, never served.
      for (const connection of slow) expect(connection.received).not.toContain(" 200 ");
      expect(slow.filter((connection) => connection.received.startsWith("HTTP/1.1 408")).length).toBeGreaterThan(0);
      expect(await get(port, "/api/health/")).toBe(200);
    },
    GENEROUS_MS,
  );

  it(
    "cuts off a request whose body arrives a byte at a time",
    async () => {
      const connection = await slowConnection(
        port,
        "POST /api/auth/login/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n",
        " ",
      );
      await connection.closed;
      expect(connection.received).toMatch(/^(HTTP\/1\.1 408 |$)/);
      expect(await get(port, "/api/health/")).toBe(200);
    },
    GENEROUS_MS,
  );

  it(
    "closes an idle keep-alive connection after its answer",
    async () => {
      const connection = await slowConnection(port, "GET /api/health/ HTTP/1.1\r\nHost: localhost\r\n\r\n", "");
      await connection.closed;
      expect(connection.received).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(connection.received.toLowerCase()).toContain("keep-alive: timeout=");
      expect(connection.received.match(/HTTP\/1\.1/g)).toHaveLength(1);
    },
    GENEROUS_MS,
  );
});
