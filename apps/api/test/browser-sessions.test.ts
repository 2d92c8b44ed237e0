import { DeactivateUser, SetPassword } from "@tasks/domain";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookiesOf, sessionLogin } from "./support/browser-session.ts";
import { expectProblem, expectValidationProblem } from "./support/http.ts";
import { openTestApi, PASSWORD, type TestApi, type TestUser } from "./support/test-api.ts";

type Cookies = Record<string, string>;

/** One set cookie, with its attributes. */
function setCookie(response: LightMyRequestResponse, name: string) {
  const found = response.cookies.find((cookie) => cookie.name === name);
  if (found === undefined) throw new Error(`no ${name} cookie set; Set-Cookie: ${response.headers["set-cookie"]}`);
  return found;
}

/** A browser's state for one site: its cookies, and the CSRF header its app sends back. */
interface Browser {
  readonly cookies: Cookies;
  readonly csrf: { "x-csrftoken": string };
}

describe("browser sessions (cookie authentication)", () => {
  let api: TestApi;
  const logLines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    const logger = pino({ level: "info" }, { write: (line: string) => logLines.push(JSON.parse(line)) });
    api = await openTestApi("pglite", { logger });
  });
  afterAll(async () => {
    await api?.close();
  });

  const request = (options: InjectOptions) => api.app.inject(options);

  /** A browser signed in as `user`. */
  async function browserLogIn(user: TestUser): Promise<Browser> {
    const { csrf, response } = await sessionLogin(api, { username: user.username, password: PASSWORD });
    expect(response.statusCode, response.body).toBe(200);
    const cookies = { ...csrf, ...cookiesOf(response) };
    return { cookies, csrf: { "x-csrftoken": cookies.csrftoken as string } };
  }

  const listWith = (browser: Browser) => request({ method: "GET", url: "/api/tasks/", cookies: browser.cookies });
  const createWith = (browser: Browser, headers: Record<string, string> = browser.csrf) =>
    request({
      method: "POST",
      url: "/api/tasks/",
      cookies: browser.cookies,
      headers,
      payload: { title: "From a browser" },
    });

  describe("GET /api/auth/csrf/", () => {
    it("sets a csrftoken cookie a script can read when there is none, and keeps one that is there", async () => {
      const response = await request({ method: "GET", url: "/api/auth/csrf/" });
      expect(response.statusCode).toBe(204);
      const cookie = setCookie(response, "csrftoken");
      expect(cookie).toMatchObject({ path: "/", sameSite: "Lax" });
      expect(cookie.httpOnly).toBeUndefined();
      expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);

      const again = await request({ method: "GET", url: "/api/auth/csrf/", cookies: { csrftoken: cookie.value } });
      expect(again.statusCode).toBe(204);
      expect(again.headers["set-cookie"]).toBeUndefined();
    });
  });

  describe("POST /api/auth/session/", () => {
    it("logs in, answering the user and setting sessionid (HttpOnly, Lax) and a fresh csrftoken", async () => {
      const user = await api.signUp("browser");
      const { csrf, response } = await sessionLogin(api, { username: user.username, password: PASSWORD });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        user: {
          id: user.user.id,
          username: user.username,
          email: "",
          is_staff: false,
          date_joined: user.user.dateJoined.toISOString(),
        },
      });
      const session = setCookie(response, "sessionid");
      expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/", maxAge: 14 * 86_400 });
      expect(session.secure).toBeUndefined();
      expect(session.value.length).toBeGreaterThanOrEqual(22);
      const rotated = setCookie(response, "csrftoken");
      expect(rotated.value).not.toBe(csrf.csrftoken);
      expect(rotated.httpOnly).toBeUndefined();
      expect(response.body).not.toContain(session.value);
    });

    it("refuses a login without the CSRF header, or with one that does not match (login CSRF), setting nothing", async () => {
      const user = await api.signUp("login-csrf");
      const csrf = cookiesOf(await request({ method: "GET", url: "/api/auth/csrf/" }));
      for (const headers of [{}, { "x-csrftoken": "forged" }]) {
        const response = await request({
          method: "POST",
          url: "/api/auth/session/",
          cookies: csrf,
          headers,
          payload: { username: user.username, password: PASSWORD },
        });
        expect(expectProblem(response, 403).detail).toMatch(/^CSRF Failed: /);
        expect(response.headers["set-cookie"]).toBeUndefined();
      }
      const noCookie = await request({
        method: "POST",
        url: "/api/auth/session/",
        headers: { "x-csrftoken": "anything" },
        payload: { username: user.username, password: PASSWORD },
      });
      expect(expectProblem(noCookie, 403).detail).toBe("CSRF Failed: CSRF cookie not set.");
    });

    it("answers a wrong password like the token login: 401, the same message", async () => {
      const user = await api.signUp("wrong");
      const { response } = await sessionLogin(api, { username: user.username, password: "not it" });
      expect(expectProblem(response, 401).detail).toBe("No active account found with the given credentials.");
      expect(response.headers["set-cookie"]).toBeUndefined();
    });

    it("sets Secure cookies in production", async () => {
      const production = await openTestApi("pglite", {
        config: { production: true, allowedHosts: ["localhost"] },
      });
      try {
        const user = await production.signUp("secure");
        const { response } = await sessionLogin(production, { username: user.username, password: PASSWORD });
        expect(setCookie(response, "sessionid").secure).toBe(true);
        expect(setCookie(response, "csrftoken").secure).toBe(true);
      } finally {
        await production.close();
      }
    });
  });

  describe("requests with the session cookie", () => {
    it("are let through on every protected route, GET /api/auth/session/ included", async () => {
      const user = await api.signUp("cookie-caller");
      const browser = await browserLogIn(user);
      expect((await listWith(browser)).statusCode).toBe(200);
      const session = await request({ method: "GET", url: "/api/auth/session/", cookies: browser.cookies });
      expect(session.json()).toMatchObject({ user: { username: user.username } });
      expect(expectProblem(await request({ method: "GET", url: "/api/auth/session/" }), 401).detail).toBe(
        "Authentication credentials were not provided.",
      );
    });

    it("are cookie requests whatever other scheme an Authorization header names (a proxy's Basic login)", async () => {
      const user = await api.signUp("behind-basic");
      const browser = await browserLogIn(user);
      const basic = { authorization: `Basic ${Buffer.from("staging:secret").toString("base64")}` };
      const me = await request({ method: "GET", url: "/api/auth/me/", headers: basic, cookies: browser.cookies });
      expect(me.statusCode, me.body).toBe(200);
      expect(me.json()).toMatchObject({ username: user.username });
      // A cookie request still needs the CSRF header.
      const unprotected = await createWith(browser, basic);
      expect(expectProblem(unprotected, 403).detail).toBe("CSRF Failed: CSRF token missing.");
      expect((await createWith(browser, { ...basic, ...browser.csrf })).statusCode).toBe(201);
      // Without the cookie such a header is no credential at all.
      expectProblem(await request({ method: "GET", url: "/api/auth/me/", headers: basic }), 401);
    });

    it("need X-CSRFToken equal to the csrftoken cookie on every unsafe method", async () => {
      const user = await api.signUp("csrf");
      const browser = await browserLogIn(user);
      const created = await createWith(browser);
      expect(created.statusCode).toBe(201);
      const id = created.json<{ id: string }>().id;

      for (const [method, payload] of [
        ["POST", { title: "x" }],
        ["PATCH", { title: "x" }],
        ["PUT", { title: "x" }],
        ["DELETE", undefined],
      ] as const) {
        const url = method === "POST" ? "/api/tasks/" : `/api/tasks/${id}/`;
        const missing = await request({ method, url, cookies: browser.cookies, ...(payload ? { payload } : {}) });
        expect(expectProblem(missing, 403).detail).toBe("CSRF Failed: CSRF token missing.");
        const wrong = await request({
          method,
          url,
          cookies: browser.cookies,
          headers: { "x-csrftoken": `${browser.csrf["x-csrftoken"]}x` },
          ...(payload ? { payload } : {}),
        });
        expect(expectProblem(wrong, 403).detail).toBe("CSRF Failed: CSRF token incorrect.");
      }
      expect((await listWith(browser)).json()).toMatchObject({ count: 1, results: [{ title: "From a browser" }] });
    });

    it("refuse an unsafe request from a disallowed Origin, and accept an allowed one", async () => {
      const user = await api.signUp("origin");
      const browser = await browserLogIn(user);
      const evil = await createWith(browser, { ...browser.csrf, origin: "https://evil.example" });
      expect(expectProblem(evil, 403).detail).toBe(
        "CSRF Failed: Origin checking failed - https://evil.example does not match any trusted origins.",
      );
      for (const origin of ["http://localhost:5173", "http://localhost:80"])
        expect((await createWith(browser, { ...browser.csrf, origin })).statusCode).toBe(201);
      expect((await listWith(browser)).json<{ count: number }>().count).toBe(2);
    });

    it("log a csrf_failed security event without the cookie or token", async () => {
      const user = await api.signUp("csrf-event");
      const browser = await browserLogIn(user);
      await createWith(browser, {});
      const event = logLines.find((line) => line.event === "csrf_failed" && line.path === "/api/tasks/");
      expect(event).toMatchObject({ method: "POST", reason: "CSRF token missing.", level: 40 });
      expect(JSON.stringify(logLines)).not.toContain(browser.cookies.sessionid);
    });
  });

  describe("requests with a bearer token", () => {
    it("never need the CSRF header, whatever cookies come along", async () => {
      const user = await api.signUp("bearer");
      const response = await request({
        method: "POST",
        url: "/api/tasks/",
        headers: user.auth,
        cookies: { sessionid: "junk", csrftoken: "other" },
        payload: { title: "From a script" },
      });
      expect(response.statusCode).toBe(201);
    });

    it("are judged by the token alone: a bad token is 401 even beside a live session cookie", async () => {
      const user = await api.signUp("both");
      const browser = await browserLogIn(user);
      const response = await request({
        method: "GET",
        url: "/api/tasks/",
        headers: { authorization: "Bearer not.a.token" },
        cookies: browser.cookies,
      });
      expectProblem(response, 401);
    });
  });

  describe("the browser session's own routes with a bearer token", () => {
    it("answer 401: a token caller has no session cookie to show or to end, and its login stays", async () => {
      const user = await api.signUp("token-not-session");
      const browser = await browserLogIn(user);
      for (const cookies of [{}, browser.cookies]) {
        const shown = await request({ method: "GET", url: "/api/auth/session/", headers: user.auth, cookies });
        expect(expectProblem(shown, 401).detail).toBe("Authentication credentials were not provided.");
        const ended = await request({ method: "DELETE", url: "/api/auth/session/", headers: user.auth, cookies });
        expectProblem(ended, 401);
        expect(ended.headers["set-cookie"]).toBeUndefined();
      }
      expect((await request({ method: "GET", url: "/api/tasks/", headers: user.auth })).statusCode).toBe(200);
      expect((await listWith(browser)).statusCode).toBe(200);
    });
  });

  describe("the end of a browser session", () => {
    it("DELETE /api/auth/session/ revokes the login and clears both cookies with their attributes", async () => {
      const user = await api.signUp("logout");
      const browser = await browserLogIn(user);
      const response = await request({
        method: "DELETE",
        url: "/api/auth/session/",
        cookies: browser.cookies,
        headers: browser.csrf,
      });
      expect(response.statusCode).toBe(204);
      for (const name of ["sessionid", "csrftoken"]) {
        const cleared = setCookie(response, name);
        expect(cleared.value).toBe("");
        expect(cleared.path).toBe("/");
        expect(cleared.sameSite).toBe("Lax");
        expect(cleared.expires?.getTime() ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(Date.now());
      }
      expect(setCookie(response, "sessionid").httpOnly).toBe(true);
      expectProblem(await listWith(browser), 401);
    });

    it("refuses the cookie once its login is revoked from another login", async () => {
      const user = await api.signUp("revoked");
      const browser = await browserLogIn(user);
      const logins = await request({ method: "GET", url: "/api/auth/sessions/", headers: user.auth });
      const cookieLogin = logins
        .json<{ results: { id: string; kind: string }[] }>()
        .results.find((login) => login.kind === "cookie");
      const revoke = await request({
        method: "DELETE",
        url: `/api/auth/sessions/${cookieLogin?.id}/`,
        headers: user.auth,
      });
      expect(revoke.statusCode).toBe(204);
      const refused = await listWith(browser);
      expect(expectProblem(refused, 401).detail).toBe("Your session has ended. Log in again.");
    });

    it("refuses the cookie once its user is deactivated, or their password changed", async () => {
      const deactivated = await api.signUp("deactivated");
      const first = await browserLogIn(deactivated);
      await new DeactivateUser(api.operator).execute({ username: deactivated.username });
      expectProblem(await listWith(first), 401);

      const changed = await api.signUp("password");
      const second = await browserLogIn(changed);
      await new SetPassword(api.operator).execute({ username: changed.username, password: "a brand new pass phrase" });
      expectProblem(await listWith(second), 401);
    });
  });

  it("answers 400 for a session login without a username, after the CSRF check", async () => {
    const { response } = await sessionLogin(api, { password: PASSWORD });
    expectValidationProblem(response, ["username"]);
  });
});
