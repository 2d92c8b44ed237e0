import type { TrustProxy } from "@tasks/platform";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "./support/http.ts";
import { openTestApi, PASSWORD, type TestApi } from "./support/test-api.ts";

const MAX_FAILURES = 3;
const PROXY = "10.0.0.1";

/**
 * One app per TRUST_PROXY setting: off, one trusted hop, and a trusted CIDR. Every test
 * uses its own usernames and addresses, so throttle counts never leak between tests.
 */
async function appTrusting(trustProxy: TrustProxy | undefined): Promise<TestApi> {
  return openTestApi("pglite", {
    config: { trustProxy, loginMaxFailures: MAX_FAILURES, loginFailureWindowSeconds: 60 },
  });
}

let counter = 0;
function freshClient(): string {
  counter += 1;
  return `203.0.113.${counter}`;
}

const login = (api: TestApi, username: string, password: string, options: Partial<InjectOptions> = {}) =>
  api.app.inject({ ...options, method: "POST", url: "/api/auth/login/", payload: { username, password } });

/** Uses up the failed logins allowed to whoever `options` makes the request come from. */
async function failAll(api: TestApi, options: (attempt: number) => Partial<InjectOptions>) {
  for (let attempt = 0; attempt < MAX_FAILURES; attempt += 1) {
    const response = await login(api, `nobody-${counter}-${attempt}`, "wrong password", options(attempt));
    expect(response.statusCode).toBe(401);
  }
}

/** The `ip_address` of the caller's current login, as GET /api/auth/sessions/ lists it. */
async function loginAddress(api: TestApi, access: string): Promise<string> {
  const response = await api.app.inject({
    method: "GET",
    url: "/api/auth/sessions/",
    headers: { authorization: `Bearer ${access}` },
  });
  const { results } = response.json<{ results: { current: boolean; ip_address: string }[] }>();
  return results.find((login) => login.current)?.ip_address ?? "";
}

/** The links of a two-page task list, asked for with `headers`. */
async function pageLinks(api: TestApi, access: string, headers: Record<string, string>) {
  const response = await api.app.inject({
    method: "GET",
    url: "/api/tasks/?page_size=1&page=2",
    headers: { authorization: `Bearer ${access}`, ...headers },
  });
  expect(response.statusCode, response.body).toBe(200);
  const { next, previous } = response.json<{ next: string | null; previous: string | null }>();
  return { next, previous };
}

/** Logs in with a session cookie, with `headers` on both requests; answers the cookies set. */
async function sessionCookies(api: TestApi, username: string, headers: Record<string, string>, remoteAddress: string) {
  const csrf = await api.app.inject({ method: "GET", url: "/api/auth/csrf/", headers, remoteAddress });
  const token = csrf.cookies.find((cookie) => cookie.name === "csrftoken")?.value ?? "";
  const response = await api.app.inject({
    method: "POST",
    url: "/api/auth/session/",
    headers: { ...headers, "x-csrftoken": token },
    cookies: { csrftoken: token },
    payload: { username, password: PASSWORD },
    remoteAddress,
  });
  expect(response.statusCode, response.body).toBe(200);
  return [...csrf.cookies, ...response.cookies];
}

const secureFlags = (cookies: LightMyRequestResponse["cookies"]) => cookies.map((cookie) => cookie.secure === true);

async function withTasks(api: TestApi, access: string, count: number) {
  for (let index = 0; index < count; index += 1)
    await api.app.inject({
      method: "POST",
      url: "/api/tasks/",
      headers: { authorization: `Bearer ${access}` },
      payload: { title: `task ${index}` },
    });
}

describe("TRUST_PROXY unset (the default)", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await appTrusting(undefined);
  });
  afterAll(async () => {
    await api?.close();
  });

  it("keys the failed-login throttle on the socket address, whatever X-Forwarded-For says", async () => {
    const socket = freshClient();
    await failAll(api, (attempt) => ({
      remoteAddress: socket,
      headers: { "x-forwarded-for": `198.51.100.${attempt}` },
    }));
    const user = await api.signUp("forger");
    const response = await login(api, user.username, PASSWORD, {
      remoteAddress: socket,
      headers: { "x-forwarded-for": "198.51.100.200" },
    });
    expectProblem(response, 429);
    // Another socket address is not affected, even naming the throttled one.
    const other = await login(api, user.username, PASSWORD, {
      remoteAddress: freshClient(),
      headers: { "x-forwarded-for": socket },
    });
    expect(other.statusCode).toBe(200);
  });

  it("records the socket address as the login's ip_address", async () => {
    const user = await api.signUp("recorded");
    const socket = freshClient();
    const response = await login(api, user.username, PASSWORD, {
      remoteAddress: socket,
      headers: { "x-forwarded-for": "198.51.100.9" },
    });
    expect(await loginAddress(api, response.json<{ access: string }>().access)).toBe(socket);
  });

  it("links and cookies ignore X-Forwarded-Proto and X-Forwarded-Host", async () => {
    const user = await api.signUp("links");
    await withTasks(api, user.access, 3);
    const forged = { host: "localhost", "x-forwarded-proto": "https", "x-forwarded-host": "evil.example" };
    expect(await pageLinks(api, user.access, forged)).toEqual({
      next: "http://localhost/api/tasks/?page_size=1&page=3",
      previous: "http://localhost/api/tasks/?page_size=1",
    });
    const cookies = await sessionCookies(api, user.username, forged, freshClient());
    expect(cookies.length).toBeGreaterThanOrEqual(2);
    expect(secureFlags(cookies)).not.toContain(true);
  });
});

describe("TRUST_PROXY=1 (one proxy hop)", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await appTrusting(1);
  });
  afterAll(async () => {
    await api?.close();
  });

  it("counts the failed logins of two clients behind one proxy apart", async () => {
    const throttled = freshClient();
    const neighbour = freshClient();
    await failAll(api, () => ({ remoteAddress: PROXY, headers: { "x-forwarded-for": throttled } }));
    const user = await api.signUp("behind-proxy");
    expectProblem(
      await login(api, user.username, PASSWORD, { remoteAddress: PROXY, headers: { "x-forwarded-for": throttled } }),
      429,
    );
    const response = await login(api, user.username, PASSWORD, {
      remoteAddress: PROXY,
      headers: { "x-forwarded-for": neighbour },
    });
    expect(response.statusCode).toBe(200);
    expect(await loginAddress(api, response.json<{ access: string }>().access)).toBe(neighbour);
  });

  it("takes the address the proxy saw, not one the client wrote in front of it", async () => {
    const client = freshClient();
    // The proxy appends the address it saw to whatever the client sent.
    await failAll(api, (attempt) => ({
      remoteAddress: PROXY,
      headers: { "x-forwarded-for": `198.51.100.${attempt}, ${client}` },
    }));
    const user = await api.signUp("prepender");
    const response = await login(api, user.username, PASSWORD, {
      remoteAddress: PROXY,
      headers: { "x-forwarded-for": `198.51.100.77, ${client}` },
    });
    expectProblem(response, 429);
  });

  it("builds links and sets Secure cookies as X-Forwarded-Proto says, never on X-Forwarded-Host", async () => {
    const user = await api.signUp("https-links");
    await withTasks(api, user.access, 3);
    const headers = {
      host: "localhost",
      "x-forwarded-for": freshClient(),
      "x-forwarded-proto": "https",
      "x-forwarded-host": "evil.example",
    };
    expect(await pageLinks(api, user.access, headers)).toEqual({
      next: "https://localhost/api/tasks/?page_size=1&page=3",
      previous: "https://localhost/api/tasks/?page_size=1",
    });
    for (const proto of ["http", "https://evil.example/#", "javascript", "gopher"])
      expect(await pageLinks(api, user.access, { ...headers, "x-forwarded-proto": proto })).toMatchObject({
        next: "http://localhost/api/tasks/?page_size=1&page=3",
      });
    const secure = await sessionCookies(api, user.username, headers, PROXY);
    expect(secure.length).toBeGreaterThanOrEqual(2);
    expect(secureFlags(secure)).not.toContain(false);
    const plain = await sessionCookies(api, user.username, { "x-forwarded-for": freshClient() }, PROXY);
    expect(secureFlags(plain)).not.toContain(true);
  });
});

describe("TRUST_PROXY=10.0.0.0/8 (trusted proxy addresses)", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await appTrusting(["10.0.0.0/8"]);
  });
  afterAll(async () => {
    await api?.close();
  });

  it("believes X-Forwarded-For from a trusted proxy only", async () => {
    const direct = "198.51.100.50";
    // A direct client forging the header is keyed on its own address.
    await failAll(api, (attempt) => ({ remoteAddress: direct, headers: { "x-forwarded-for": `192.0.2.${attempt}` } }));
    const user = await api.signUp("cidr");
    expectProblem(
      await login(api, user.username, PASSWORD, {
        remoteAddress: direct,
        headers: { "x-forwarded-for": "192.0.2.99" },
      }),
      429,
    );
    const viaProxy = freshClient();
    const response = await login(api, user.username, PASSWORD, {
      remoteAddress: "10.1.2.3",
      headers: { "x-forwarded-for": viaProxy },
    });
    expect(response.statusCode).toBe(200);
    expect(await loginAddress(api, response.json<{ access: string }>().access)).toBe(viaProxy);
  });

  it("ignores X-Forwarded-Proto from an untrusted peer", async () => {
    const user = await api.signUp("cidr-links");
    await withTasks(api, user.access, 2);
    const links = await api.app.inject({
      method: "GET",
      url: "/api/tasks/?page_size=1",
      headers: { authorization: `Bearer ${user.access}`, "x-forwarded-proto": "https" },
      remoteAddress: "198.51.100.51",
    });
    expect(links.json<{ next: string }>().next).toBe("http://localhost/api/tasks/?page_size=1&page=2");
  });
});
