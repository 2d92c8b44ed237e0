import { connect, createServer, type Server, type Socket } from "node:net";
import { type Database, openDatabase } from "@tasks/persistence";
import { createTestDatabase, describeWith, postgresAvailability, type TestDatabase } from "@tasks/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { expectProblem } from "./support/http.ts";
import { type TestApi, type TestUser, testApiOn } from "./support/test-api.ts";

const CONNECT_TIMEOUT_MS = 1_000;
const STATEMENT_TIMEOUT_MS = 2_000;
const POOL_SIZE = 2;
/**
 * Longer than the test timeout (30 s): a database opened with it could only answer a test
 * in time through some other, shorter limit, which is what such a test proves.
 */
const PAST_THE_TEST_TIMEOUT_MS = 120_000;

/**
 * A TCP relay in front of PostgreSQL that a test can take down the way a database goes
 * down: `refuse()` resets every connection and refuses new ones (the server stopped);
 * `blackhole()` resets them and then accepts new ones but never answers (a partition);
 * `silenceEstablished()` lets the open connections go silent for good, with no reset,
 * while new ones relay (a NAT or firewall that forgot them, a peer that vanished);
 * `restore()` relays again, on the same port.
 */
class FlakyRelay {
  readonly #target: { host: string; port: number };
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  #mode: "relay" | "blackhole" = "relay";
  port = 0;

  constructor(target: { host: string; port: number }) {
    this.#target = target;
  }

  async start(): Promise<void> {
    this.#server = createServer((client) => this.#accept(client));
    await new Promise<void>((resolve) => this.#server?.listen(this.port, "127.0.0.1", resolve));
    const address = this.#server.address();
    if (address && typeof address === "object") this.port = address.port;
  }

  #accept(client: Socket): void {
    this.#track(client);
    if (this.#mode === "blackhole") return;
    const upstream = connect(this.#target.port, this.#target.host);
    this.#track(upstream);
    client.pipe(upstream).pipe(client);
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => this.#sockets.delete(socket));
  }

  silenceEstablished(): void {
    for (const socket of this.#sockets) {
      socket.unpipe();
      socket.pause();
    }
  }

  #resetAll(): void {
    for (const socket of this.#sockets) socket.resetAndDestroy();
  }

  async refuse(): Promise<void> {
    this.#resetAll();
    await new Promise((resolve) => this.#server?.close(resolve));
  }

  blackhole(): void {
    this.#mode = "blackhole";
    this.#resetAll();
  }

  async restore(): Promise<void> {
    this.#resetAll();
    this.#mode = "relay";
    if (!this.#server?.listening) await this.start();
  }

  async stop(): Promise<void> {
    this.#resetAll();
    if (this.#server?.listening) await new Promise((resolve) => this.#server?.close(resolve));
  }
}

const postgres = await postgresAvailability();

describeWith(postgres)("when PostgreSQL goes down", () => {
  let server: TestDatabase;
  let relay: FlakyRelay;
  let relayedUrl: string;
  let database: Database;
  let api: TestApi;
  let alice: TestUser;

  beforeAll(async () => {
    server = await createTestDatabase();
    const direct = await openDatabase({ url: server.url });
    await direct.migrate();
    await direct.close();
    const url = new URL(server.url);
    relay = new FlakyRelay({ host: url.hostname, port: Number(url.port || 5432) });
    await relay.start();
    url.hostname = "127.0.0.1";
    url.port = String(relay.port);
    relayedUrl = url.toString();
    database = await openDatabase({
      url: relayedUrl,
      poolSize: POOL_SIZE,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      statementTimeoutMs: STATEMENT_TIMEOUT_MS,
    });
    api = await testApiOn("postgresql", { database, options: {}, close: async () => {} });
    alice = await api.signUp("alice");
  });
  afterAll(async () => {
    await api?.close();
    await database?.close();
    await relay?.stop();
    await server?.drop();
  });

  const listTasks = () => api.app.inject({ method: "GET", url: "/api/tasks/", headers: alice.auth });

  /**
   * Checks that a request is refused with 503 problem details, not a 500. Not a hang
   * either: the test timeout (30 s) bounds the wait, against connect and statement
   * timeouts of a few seconds; how soon a 503 comes is for a benchmark to say.
   */
  const expectUnavailable = async (request: () => ReturnType<typeof listTasks>) => {
    const response = await request();
    const body = expectProblem(response, 503);
    expect(body.detail).toBe("The service is temporarily unavailable.");
    expect(response.headers["retry-after"]).toBe("5");
    expect(response.body).not.toMatch(/ECONN|socket|127\.0\.0\.1/);
  };

  it("answers 503 while the server refuses connections, and recovers without a restart", async () => {
    expect((await listTasks()).statusCode).toBe(200);
    await relay.refuse();
    await expectUnavailable(listTasks);
    await expectUnavailable(() =>
      api.app.inject({ method: "POST", url: "/api/auth/login/", payload: { username: alice.username, password: "x" } }),
    );
    const ready = await api.app.inject({ method: "GET", url: "/api/health/ready/" });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: "unavailable", database: "unreachable" });
    const live = await api.app.inject({ method: "GET", url: "/api/health/" });
    expect(live.statusCode).toBe(200);

    await relay.restore();
    expect((await listTasks()).statusCode).toBe(200);
    expect((await api.app.inject({ method: "GET", url: "/api/health/ready/" })).statusCode).toBe(200);
  });

  it("answers 503, not a hang, while connections hang, and recovers without a restart", async () => {
    expect((await listTasks()).statusCode).toBe(200);
    relay.blackhole();
    await expectUnavailable(listTasks);
    expect((await api.app.inject({ method: "GET", url: "/api/health/ready/" })).statusCode).toBe(503);

    await relay.restore();
    expect((await listTasks()).statusCode).toBe(200);
  });

  it("answers readiness 503 after its own 1 s while connections hang, however long the database's timeouts", async () => {
    // Its connections would give up only after the test has timed out: a 503 in time can
    // only come from the limit that readiness gives its ping.
    const patient = await openDatabase({
      url: relayedUrl,
      poolSize: 1,
      connectTimeoutMs: PAST_THE_TEST_TIMEOUT_MS,
      statementTimeoutMs: PAST_THE_TEST_TIMEOUT_MS,
    });
    const limits: number[] = [];
    const patientApi = await testApiOn(
      "postgresql",
      { database: patient, options: {}, close: async () => {} },
      {
        adjust: (deps) => ({
          ...deps,
          database: {
            ping: (timeoutMs) => {
              limits.push(timeoutMs);
              return patient.ping(timeoutMs);
            },
          },
        }),
      },
    );
    try {
      relay.blackhole();
      const ready = await patientApi.app.inject({ method: "GET", url: "/api/health/ready/" });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toEqual({ status: "unavailable", database: "unreachable" });
      expect(limits).toEqual([1_000]);
    } finally {
      // Resets the connection still trying, so that closing does not wait for its timeout.
      await relay.restore();
      await patientApi.close();
      await patient.close();
    }
  });

  it("answers 503 soon after the statement timeout when its connections go silent, and replaces them", async () => {
    expect((await listTasks()).statusCode).toBe(200);
    relay.silenceEstablished();
    // The client gives up a second after the statement timeout, and closes the silent connection.
    await expectUnavailable(listTasks);
    // Each silent connection still in the pool fails one request the same way, then the pool
    // has only fresh ones.
    let answered = await listTasks();
    for (let attempt = 1; answered.statusCode === 503 && attempt < POOL_SIZE; attempt += 1)
      answered = await listTasks();
    expect(answered.statusCode).toBe(200);
  });
});

describeWith(postgres)("on a database that was never migrated", () => {
  let server: TestDatabase;
  let database: Database;
  let api: TestApi;

  beforeAll(async () => {
    server = await createTestDatabase();
    database = await openDatabase({ url: server.url, poolSize: 2 });
    api = await testApiOn("postgresql", { database, options: {}, close: async () => {} });
  });
  afterAll(async () => {
    await api?.close();
    await database?.close();
    await server?.drop();
  });

  it("answers 503 problem details that say so, and no 500", async () => {
    const response = await api.app.inject({
      method: "POST",
      url: "/api/auth/login/",
      payload: { username: "alice", password: "correct horse battery staple" },
    });
    const body = expectProblem(response, 503);
    expect(body.type).toBe("urn:tasks:problem:schema-not-migrated");
    expect(body.detail).toBe("The database has no tables yet: its migrations have not been applied.");
    expect(response.body).not.toMatch(/relation|users|42P01/);
  });
});
