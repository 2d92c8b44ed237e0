import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";
import { CreateUser } from "@tasks/domain";
import { UuidV7IdGenerator } from "@tasks/platform";
import { connectTestRedis, describeWith } from "@tasks/testing";
import type { Redis } from "ioredis";
import pino from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { redisClient } from "../src/redis.ts";
import { expectProblem } from "./support/http.ts";
import { openTestApi, PASSWORD, type TestApi } from "./support/test-api.ts";

const MAX_FAILURES = 3;
// Read through a function: the connection's status changes under the test's feet.
const statusOf = (client: Redis): string => client.status;
const testRedis = await connectTestRedis();

/** A TCP relay in front of the test Redis that a test takes down and brings back, on the same port. */
class RedisRelay {
  private readonly target: { host: string; port: number };
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(target: { host: string; port: number }) {
    this.target = target;
  }

  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    server.listen(this.port, "127.0.0.1");
    await once(server, "listening");
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Redis is gone: connections drop and new ones are refused. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}

describeWith(testRedis)("when Redis goes down while REDIS_URL is set", () => {
  const lines: { level: number; msg: string; reason?: string; event?: string }[] = [];
  const logger = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line)) });
  // Undefined only when there is no Redis, and then this suite is skipped.
  const admin = testRedis.available ? testRedis.redis : undefined;
  const { host, port } = admin?.options ?? {};
  const relay = new RedisRelay({ host: host ?? "127.0.0.1", port: port ?? 6379 });
  let redis: Redis;
  let api: TestApi;

  beforeAll(async () => {
    await relay.up();
    redis = redisClient(`redis://127.0.0.1:${relay.port}`, logger);
    await once(redis, "ready");
    api = await openTestApi("pglite", {
      redis,
      logger,
      config: { loginMaxFailures: MAX_FAILURES, loginFailureWindowSeconds: 60 },
    });
  });
  afterAll(async () => {
    await api?.close();
    redis?.disconnect();
    await relay.down();
    admin?.disconnect();
  });

  const login = (username: string, password: string, remoteAddress: string) =>
    api.app.inject({ method: "POST", url: "/api/auth/login/", payload: { username, password }, remoteAddress });
  // Counts in the shared Redis outlive a run: each address is new.
  const freshAddress = () => `10.${[...randomBytes(3)].join(".")}`;
  const redisCount = async (address: string) =>
    Number((await admin?.get(`tasks:login-failures:address:${address}`)) ?? 0);
  // Warnings and errors other than security events (failed and throttled logins).
  const warnings = () => lines.filter((line) => line.level >= 40 && line.event === undefined);

  it("keeps logins working, counts failures in the process with one warning, then in Redis again", async () => {
    // Created, not signed up: signing up logs in from 127.0.0.1, whose count in the shared
    // Redis other test runs may have used up.
    const user = await new CreateUser({
      users: api.database.users,
      hasher: api.hasher,
      clock: api.clock,
      ids: new UuidV7IdGenerator(),
    }).execute({ username: `outage_${randomBytes(4).toString("hex")}`, password: PASSWORD });
    const before = freshAddress();
    expect((await login(user.username, "wrong password", before)).statusCode).toBe(401);
    expect(await redisCount(before)).toBe(1);

    await relay.down();
    while (statusOf(redis) === "ready") await once(redis, "close");

    for (let attempt = 0; attempt < 5; attempt += 1)
      expect((await login(user.username, PASSWORD, freshAddress())).statusCode).toBe(200);
    // Still throttled, by this process's counts.
    const during = freshAddress();
    for (let attempt = 0; attempt < MAX_FAILURES; attempt += 1)
      expect((await login(`nobody-${randomBytes(4).toString("hex")}`, "wrong password", during)).statusCode).toBe(401);
    expectProblem(await login(user.username, PASSWORD, during), 429);
    expect(warnings()).toEqual([
      expect.objectContaining({
        msg: "redis unreachable: failed logins are counted in this process until it answers",
        reason: expect.stringContaining("login failure counts"),
      }),
    ]);

    await relay.up();
    if (statusOf(redis) !== "ready") await once(redis, "ready");
    const after = freshAddress();
    expect((await login(user.username, "wrong password", after)).statusCode).toBe(401);
    expect(await redisCount(after)).toBe(1);
    expect((await login(user.username, PASSWORD, freshAddress())).statusCode).toBe(200);
    expect(lines.map((line) => line.msg)).toContain("redis answers again: failed logins are counted in redis");
    expect(warnings()).toHaveLength(1);
  });
});
