import { randomBytes } from "node:crypto";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loggerOptions, redactedUrl } from "../src/http/request-logging.ts";
import { MovableClock, openTestApi, PASSWORD, type TestApi } from "./support/test-api.ts";

const MAX_FAILURES = 3;

// Everything the whole scenario below logs, at the most verbose level, through the
// server's own logger settings; then every line is searched for every secret it met.
describe("no secret in any log line, at LOG_LEVEL=trace", () => {
  const lines: string[] = [];
  const secrets = new Set<string>();
  const clock = new MovableClock();
  let api: TestApi;

  /** Keeps `value` to look for in the log; a JWT by its payload and signature too (its header is no secret). */
  const remember = (value: string | undefined) => {
    if (value === undefined || value === "") return;
    secrets.add(value);
    const parts = value.split(".");
    if (parts.length === 3) for (const part of parts.slice(1)) secrets.add(part);
  };
  const request = async (options: InjectOptions): Promise<LightMyRequestResponse> => {
    const response = await api.app.inject(options);
    const body = response.headers["content-type"]?.toString().includes("json") ? response.json() : {};
    for (const key of ["access", "refresh"]) remember((body as Record<string, string | undefined>)[key]);
    for (const cookie of response.cookies) remember(cookie.value);
    return response;
  };

  beforeAll(async () => {
    const logger = pino(loggerOptions("trace"), { write: (line: string) => lines.push(line) });
    api = await openTestApi("pglite", {
      logger,
      clock,
      config: { loginMaxFailures: MAX_FAILURES, loginFailureWindowSeconds: 60 },
    });
    remember(api.tokenSettings.secret);
    remember(PASSWORD);
    remember(encodeURIComponent(PASSWORD));
  });
  afterAll(async () => {
    await api?.close();
  });

  it("logs the scenario's requests and security events, and none of its secrets", async () => {
    const user = await api.signUp("careful");
    const json = (payload: object) => ({ payload, headers: { "content-type": "application/json" } });
    const login = (password: string) =>
      request({ method: "POST", url: "/api/auth/login/", ...json({ username: user.username, password }) });

    // Logins, failures, throttling.
    const first = (await login(PASSWORD)).json<{ access: string; refresh: string }>();
    for (let attempt = 0; attempt <= MAX_FAILURES; attempt += 1) {
      const wrong = `wrong-${randomBytes(8).toString("hex")}`;
      remember(wrong);
      await login(wrong);
    }
    expect((await login(PASSWORD)).statusCode).toBe(429);
    clock.advance(61_000);

    // A refresh, then the spent token again after the reuse window: the login is revoked.
    const second = (await login(PASSWORD)).json<{ access: string; refresh: string }>();
    const rotated = await request({ method: "POST", url: "/api/auth/refresh/", ...json({ refresh: second.refresh }) });
    expect(rotated.statusCode).toBe(200);
    clock.advance(11_000);
    await request({ method: "POST", url: "/api/auth/refresh/", ...json({ refresh: second.refresh }) });
    // Verify and log out.
    await request({ method: "POST", url: "/api/token/verify/", ...json({ token: first.access }) });
    await request({ method: "POST", url: "/api/auth/logout/", ...json({ refresh: first.refresh }) });

    // Browser session: CSRF cookie, session login, a request with the cookie, one without the CSRF header.
    const csrf = await request({ method: "GET", url: "/api/auth/csrf/" });
    const csrfToken = csrf.cookies.find((cookie) => cookie.name === "csrftoken")?.value ?? "";
    const session = await request({
      method: "POST",
      url: "/api/auth/session/",
      cookies: { csrftoken: csrfToken },
      headers: { "x-csrftoken": csrfToken },
      payload: { username: user.username, password: PASSWORD },
    });
    expect(session.statusCode).toBe(200);
    const cookies = Object.fromEntries(session.cookies.map((cookie) => [cookie.name, cookie.value]));
    await request({ method: "GET", url: "/api/auth/session/", cookies });
    await request({ method: "POST", url: "/api/tasks/", cookies, payload: { title: "no csrf header" } });

    // A careless client: credentials in query strings, in every way it could write them.
    const third = (await login(PASSWORD)).json<{ access: string; refresh: string }>();
    const bearer = { authorization: `Bearer ${third.access}` };
    const inQuery = [
      `token=${third.access}`,
      `access=${third.access}`,
      `Access_Token=${third.access}`,
      `refresh=${third.refresh}`,
      `password=${encodeURIComponent(PASSWORD)}`,
      `client_secret=${api.tokenSettings.secret}`,
      `sessionid=${cookies.sessionid}`,
      `csrftoken=${cookies.csrftoken}`,
      `jwt=${third.access}`,
      `%74oken=${third.access}`,
      `ordering=title;access=${third.access}`,
    ];
    for (const parameter of inQuery) {
      await request({ method: "GET", url: `/api/tasks/?page=1&${parameter}`, headers: bearer });
      await request({ method: "GET", url: `/api/nowhere/?${parameter}` });
      await request({ method: "POST", url: `/api/auth/login/?${parameter}`, ...json({}) });
    }
    // Credentials in a body that is not valid JSON, and in a forged token.
    await request({
      method: "POST",
      url: "/api/auth/login/",
      headers: { "content-type": "application/json" },
      payload: `{"username":"${user.username}","password":"${PASSWORD}"`,
    });
    await request({ method: "GET", url: "/api/auth/me/", headers: { authorization: `Bearer ${third.access}x` } });

    // A password change, with the new password and the old one.
    const newPassword = `new-${randomBytes(12).toString("hex")}`;
    remember(newPassword);
    const changed = await request({
      method: "POST",
      url: "/api/auth/password/",
      headers: bearer,
      payload: { old_password: PASSWORD, new_password: newPassword },
    });
    expect(changed.statusCode).toBe(204);
    await request({
      method: "DELETE",
      url: "/api/auth/session/",
      cookies,
      headers: { "x-csrftoken": cookies.csrftoken },
    });

    // The log has what an operator needs.
    const log = lines.join("");
    for (const event of ["login_failed", "login_throttled", "refresh_reuse_detected", "login_revoked", "csrf_failed"])
      expect(log).toContain(`"event":"${event}"`);
    expect(log).toContain('"msg":"request completed"');
    expect(log).toContain("page=1");
    expect(secrets.size).toBeGreaterThan(20);

    const leaks = [...secrets].flatMap((secret) =>
      lines.filter((line) => line.includes(secret)).map((line) => ({ secret: secret.slice(0, 12), line })),
    );
    expect(leaks).toEqual([]);
  });
});

describe("redactedUrl", () => {
  it.each([
    ["/api/tasks/", "/api/tasks/"],
    ["/api/tasks/?page=2&ordering=-title", "/api/tasks/?page=2&ordering=-title"],
    ["/api/tasks/?token=abc&page=2", "/api/tasks/?token=[redacted]&page=2"],
    [
      "/a?ACCESS=x&Refresh_Token=y&new_password=z",
      "/a?ACCESS=[redacted]&Refresh_Token=[redacted]&new_password=[redacted]",
    ],
    ["/a?%74oken=x&pass%77ord=y", "/a?%74oken=[redacted]&pass%77ord=[redacted]"],
    ["/a?page=1;secret=x", "/a?page=1;secret=[redacted]"],
    ["/a?token=x&token=y", "/a?token=[redacted]&token=[redacted]"],
    ["/a?%E0%A4%A=1&sessionid=x", "/a?%E0%A4%A=1&sessionid=[redacted]"],
    ["/a?token&page=1", "/a?token&page=1"],
    ["/a?token=abc=def&page=1", "/a?token=[redacted]&page=1"],
    ["/a?search=token=x", "/a?search=token=x"],
  ])("logs %s as %s", (url, logged) => {
    expect(redactedUrl(url)).toBe(logged);
  });
});
