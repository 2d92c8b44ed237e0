import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, describeWith, postgresAvailability } from "@tasks/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, startApiServer } from "./support/api-server.ts";
import { type Env, taskctl } from "./support/taskctl.ts";

const PASSWORD = "long secret words";

/** A fresh database the server migrates at start; `drop` removes it afterwards. */
interface Fresh {
  readonly env: Env;
  drop(): Promise<void>;
}

async function freshPostgres(): Promise<Fresh> {
  const database = await createTestDatabase();
  return { env: { DATABASE_URL: database.url }, drop: database.drop };
}

async function freshEmbedded(): Promise<Fresh> {
  const dataDir = await mkdtemp(join(tmpdir(), "taskctl-e2e-"));
  return { env: { DATA_DIR: dataDir }, drop: () => rm(dataDir, { recursive: true, force: true }) };
}

describeWith(await postgresAvailability())("taskctl and the API server on PostgreSQL", () => endToEnd(freshPostgres));
describe("taskctl and the API server on the embedded database, which taskctl reaches through the running server", () =>
  endToEnd(freshEmbedded));

function endToEnd(fresh: () => Promise<Fresh>): void {
  let database: Fresh;
  let server: ApiServer;
  const run = (args: string[], input?: string) => taskctl(database.env, args, input);
  const api = (path: string, init: { token?: string; body?: unknown } = {}) =>
    fetch(`${server.address}${path}`, {
      method: init.body === undefined ? "GET" : "POST",
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  const login = (username: string, password: string) => api("/api/auth/login/", { body: { username, password } });

  beforeAll(async () => {
    database = await fresh();
    server = await startApiServer(database.env);
  });
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it("a user made by taskctl logs in through the API; once deactivated, their access token stops working at the next request", async () => {
    const created = await run(
      ["users", "create", "alice", "--email", "alice@example.com", "--password-stdin"],
      PASSWORD,
    );
    expect(created).toMatchObject({ code: 0, stderr: "" });

    const loggedIn = await login("alice", PASSWORD);
    expect(loggedIn.status).toBe(200);
    const { access } = (await loggedIn.json()) as { access: string };
    const me = await api("/api/auth/me/", { token: access });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ username: "alice", email: "alice@example.com", is_staff: false });

    const task = await run(["tasks", "create", "--user", "alice", "--title", "Made by the operator", "--json"]);
    const listed = (await (await api("/api/tasks/", { token: access })).json()) as { results: { id: string }[] };
    expect(listed.results.map((result) => result.id)).toEqual([task.json<{ id: string }>().id]);

    expect((await run(["users", "deactivate", "alice"])).code).toBe(0);
    expect((await api("/api/auth/me/", { token: access })).status).toBe(401);
    expect((await login("alice", PASSWORD)).status).toBe(401);

    expect((await run(["users", "activate", "alice"])).code).toBe(0);
    expect((await api("/api/auth/me/", { token: access })).status).toBe(401);
    expect((await login("alice", PASSWORD)).status).toBe(200);
  });

  it("a new password set by taskctl revokes the old access token and is the one that logs in", async () => {
    const { access } = (await (await login("alice", PASSWORD)).json()) as { access: string };
    expect((await run(["users", "set-password", "alice", "--password-stdin"], "another good password")).code).toBe(0);
    expect((await api("/api/auth/me/", { token: access })).status).toBe(401);
    expect((await login("alice", PASSWORD)).status).toBe(401);
    expect((await login("alice", "another good password")).status).toBe(200);
    const users = (await run(["users", "list", "--json"])).json<{
      results: { username: string; last_login: string | null }[];
    }>().results;
    expect(users).toMatchObject([{ username: "alice" }]);
    expect(users[0]?.last_login).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("taskctl lists a user's logins, token and browser session alike, and revoking them ends both at once", async () => {
    const password = "another good password";
    const { access } = (await (await login("alice", password)).json()) as { access: string };
    const csrf = await fetch(`${server.address}/api/auth/csrf/`);
    const csrfToken = /csrftoken=([^;]+)/.exec(csrf.headers.get("set-cookie") ?? "")?.[1] ?? "";
    const browser = await fetch(`${server.address}/api/auth/session/`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrftoken": csrfToken, cookie: `csrftoken=${csrfToken}` },
      body: JSON.stringify({ username: "alice", password }),
    });
    expect(browser.status).toBe(200);
    const sessionId = /sessionid=([^;]+)/.exec(browser.headers.get("set-cookie") ?? "")?.[1] ?? "";
    const asBrowser = () =>
      fetch(`${server.address}/api/auth/session/`, { headers: { cookie: `sessionid=${sessionId}` } });
    expect((await asBrowser()).status).toBe(200);

    const logins = (await run(["users", "sessions", "alice", "--json"])).json<{ kind: string }[]>();
    expect(logins.map((login) => login.kind)).toEqual(expect.arrayContaining(["token", "cookie"]));

    const revoked = await run(["users", "revoke-sessions", "alice"]);
    expect(revoked).toMatchObject({ code: 0, stderr: "" });
    expect(revoked.stdout).toMatch(/^Revoked \d+ logins of "alice"\.\n$/);
    expect((await api("/api/auth/me/", { token: access })).status).toBe(401);
    expect((await asBrowser()).status).toBe(401);
    expect((await run(["users", "sessions", "alice", "--json"])).json()).toEqual([]);
  });
}
