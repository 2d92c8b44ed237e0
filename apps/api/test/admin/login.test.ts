import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "../support/http.ts";
import { openTestApi, PASSWORD, type TestApi, testApiOn } from "../support/test-api.ts";
import { AdminBrowser, aUser, formToken, setCookie } from "./support.ts";

const WRONG_STAFF_LOGIN =
  "Please enter the correct username and password for a staff account. Note that both fields may be case-sensitive.";

describe("web admin: logging in and out", () => {
  let api: TestApi;
  const logLines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    const logger = pino({ level: "info" }, { write: (line: string) => logLines.push(JSON.parse(line)) });
    // Room for every failed login these tests make from the one test address.
    api = await openTestApi("pglite", { logger, config: { loginMaxFailures: 100 } });
  });
  afterAll(async () => {
    await api?.close();
  });

  const browser = () => new AdminBrowser(api);

  /** A browser signed in to the admin as a new staff user. */
  async function signedInStaff() {
    const user = await aUser(api, { prefix: "staff", isStaff: true });
    const admin = browser();
    const response = await admin.logIn(user.username);
    expect(response.statusCode, response.body).toBe(303);
    return { user, admin };
  }

  describe("GET /admin/login/", () => {
    it("shows Django's form, with its CSRF token equal to a csrftoken cookie set as the API sets it", async () => {
      const response = await browser().get("/admin/login/?next=%2Fadmin%2Ftasks%2Ftask%2F");

      expect(response.statusCode).toBe(200);
      expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(response.body).toContain("<title>Log in | Tasks administration</title>");
      expect(response.body).toContain('<label for="id_username">Username:</label>');
      expect(response.body).toContain('<label for="id_password">Password:</label>');
      expect(response.body).toContain('<input type="submit" value="Log in">');
      expect(response.body).toContain('<input type="hidden" name="next" value="/admin/tasks/task/">');
      expect(response.body).not.toContain("Welcome,");
      const cookie = setCookie(response, "csrftoken");
      expect(cookie).toMatchObject({ path: "/", sameSite: "Lax", maxAge: 365 * 86_400 });
      expect(cookie.httpOnly).toBeUndefined();
      expect(formToken(response.body)).toBe(cookie.value);
    });

    it("keeps the csrftoken cookie a browser already has", async () => {
      const admin = browser();
      const first = await admin.get("/admin/login/");
      const again = await admin.get("/admin/login/");

      expect(again.headers["set-cookie"]).toBeUndefined();
      expect(formToken(again.body)).toBe(formToken(first.body));
    });

    it("sends a staff user who is already signed in on to the index", async () => {
      const { admin } = await signedInStaff();

      const response = await admin.get("/admin/login/");

      expect(response.statusCode).toBe(302);
      expect(response.headers.location).toBe("/admin/");
    });
  });

  describe("POST /admin/login/", () => {
    it("signs a staff user in with the API's browser session: sessionid and a fresh csrftoken, then the index", async () => {
      const user = await aUser(api, { prefix: "staff", isStaff: true });
      const admin = browser();
      const page = await admin.get("/admin/login/");
      const response = await admin.post("/admin/login/", {
        csrfmiddlewaretoken: formToken(page.body),
        username: user.username,
        password: PASSWORD,
        next: "",
      });

      expect(response.statusCode, response.body).toBe(303);
      expect(response.headers.location).toBe("/admin/");
      const session = setCookie(response, "sessionid");
      expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/", maxAge: 14 * 86_400 });
      expect(setCookie(response, "csrftoken").value).not.toBe(formToken(page.body));

      const index = await admin.get("/admin/");
      expect(index.statusCode).toBe(200);
      expect(index.body).toContain(`Welcome, <strong>${user.username}</strong>.`);
      // The same login as the API's: its session route answers for this cookie.
      const apiSession = await admin.get("/api/auth/session/");
      expect(apiSession.statusCode).toBe(200);
      expect(apiSession.json()).toMatchObject({ user: { id: user.id, is_staff: true } });
    });

    it("goes on to `next` when it is a page of the admin, and to the index otherwise", async () => {
      const user = await aUser(api, { prefix: "next", isStaff: true });
      const cases: [string, string][] = [
        ["/admin/tasks/task/?status=done", "/admin/tasks/task/?status=done"],
        ["//evil.example/admin/", "/admin/"],
        ["/\\evil.example/admin/", "/admin/"],
        ["https://evil.example/admin/", "/admin/"],
        ["/admin/../api/tasks/", "/admin/"],
        ["/api/auth/me/", "/admin/"],
      ];
      for (const [next, location] of cases) {
        const response = await browser().logIn(user.username, PASSWORD, next);
        expect(response.statusCode, next).toBe(303);
        expect(response.headers.location, next).toBe(location);
      }
    });

    it("refuses a user who is not staff with Django's message, like a wrong password, and starts no session", async () => {
      const ordinary = await aUser(api, { prefix: "ordinary" });
      const staff = await aUser(api, { prefix: "staff", isStaff: true });
      const attempts: [string, string][] = [
        [ordinary.username, PASSWORD],
        [staff.username, "not the password"],
        ["nobody_at_all", PASSWORD],
      ];
      for (const [username, password] of attempts) {
        const response = await browser().logIn(username, password);
        expect(response.statusCode, username).toBe(200);
        expect(response.body).toContain(`<p class="errornote">${WRONG_STAFF_LOGIN}</p>`);
        expect(response.body).toContain(`value="${username}"`);
        expect(response.cookies.map((cookie) => cookie.name)).not.toContain("sessionid");
      }
      expect(await api.database.sessions.listLive(ordinary.id, new Date())).toEqual([]);
      expect(
        logLines.filter((line) => line.event === "login_failed" && line.username === ordinary.username),
      ).toHaveLength(1);
    });

    it("asks for both fields when one is empty, checking no password", async () => {
      const response = await browser().logIn("", "");

      expect(response.statusCode).toBe(200);
      expect(response.body.match(/<ul class="errorlist"><li>This field is required.<\/li><\/ul>/g)).toHaveLength(2);
    });

    it("shows what was typed as text: markup in the username is escaped", async () => {
      const response = await browser().logIn('<script>alert("x")</script>', "guess");

      expect(response.statusCode).toBe(200);
      expect(response.body).not.toContain("<script>");
      expect(response.body).toContain('value="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"');
    });

    it("refuses a login whose form has no CSRF token, or another one, or comes from another origin: 403, no session", async () => {
      const user = await aUser(api, { prefix: "csrf", isStaff: true });
      const admin = browser();
      const token = formToken((await admin.get("/admin/login/")).body);
      const attempts: [Record<string, string>, Record<string, string>][] = [
        [{}, {}],
        [{ csrfmiddlewaretoken: "forged" }, {}],
        [{ csrfmiddlewaretoken: token }, { origin: "https://evil.example" }],
      ];
      for (const [fields, headers] of attempts) {
        const response = await admin.post(
          "/admin/login/",
          { ...fields, username: user.username, password: PASSWORD },
          headers,
        );
        expect(response.statusCode).toBe(403);
        expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
        expect(response.body).toContain("<h1>Forbidden (403)</h1>");
        expect(response.body).toContain("CSRF verification failed. Request aborted.");
        expect(response.cookies.map((cookie) => cookie.name)).not.toContain("sessionid");
      }
      const events = logLines.filter((line) => line.event === "csrf_failed" && line.path === "/admin/login/");
      expect(events.map((line) => line.reason)).toEqual(
        expect.arrayContaining([
          "CSRF token missing.",
          "CSRF token incorrect.",
          "Origin checking failed - https://evil.example does not match any trusted origins.",
        ]),
      );
    });

    it("refuses a login without the csrftoken cookie", async () => {
      const user = await aUser(api, { prefix: "nocookie", isStaff: true });

      const response = await browser().post("/admin/login/", {
        csrfmiddlewaretoken: "a".repeat(43),
        username: user.username,
        password: PASSWORD,
      });

      expect(response.statusCode).toBe(403);
      expect(response.body).toContain("CSRF verification failed. Request aborted.");
    });
  });

  describe("the failed-login throttle", () => {
    it("shows the throttle's message with 429 and Retry-After, even for the right password", async () => {
      const throttled = await testApiOn(api.engine, api.testDatabase, { config: { loginMaxFailures: 2 } });
      try {
        const user = await aUser(api, { prefix: "throttled", isStaff: true });
        const admin = new AdminBrowser(throttled);
        for (const guess of ["one", "two"]) expect((await admin.logIn(user.username, guess)).statusCode).toBe(200);

        const response = await admin.logIn(user.username, PASSWORD);

        expect(response.statusCode).toBe(429);
        expect(Number(response.headers["retry-after"])).toBeGreaterThan(0);
        expect(response.body).toContain('<p class="errornote">Too many failed login attempts. Try again in');
        expect(response.cookies.map((cookie) => cookie.name)).not.toContain("sessionid");
      } finally {
        await throttled.close();
      }
    });
  });

  describe("who may open admin pages", () => {
    it("sends a browser without a session to the login page, asking to come back", async () => {
      const response = await browser().get("/admin/?o=1");

      expect(response.statusCode).toBe(302);
      expect(response.headers.location).toBe("/admin/login/?next=%2Fadmin%2F%3Fo%3D1");
    });

    it("takes no bearer token: a staff user's token alone is sent to the login page", async () => {
      const user = await aUser(api, { prefix: "bearer", isStaff: true });
      const { access } = await api.logIn(user.username);

      const response = await browser().get("/admin/", { authorization: `Bearer ${access}` });

      expect(response.statusCode).toBe(302);
    });

    it("answers 403 to a signed-in user who is not staff, whose session still works on the API", async () => {
      const user = await aUser(api, { prefix: "ordinary" });
      const admin = browser();
      const csrf = await admin.get("/api/auth/csrf/");
      const login = await admin.request({
        method: "POST",
        url: "/api/auth/session/",
        headers: { "x-csrftoken": setCookie(csrf, "csrftoken").value },
        payload: { username: user.username, password: PASSWORD },
      });
      expect(login.statusCode).toBe(200);

      const page = await admin.get("/admin/");

      expect(page.statusCode).toBe(403);
      expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(page.body).toContain("<h1>Forbidden (403)</h1>");
      expect(page.body).toContain(
        `You are authenticated as ${user.username}, but are not authorized to access this page.`,
      );
      expect((await admin.get("/api/auth/session/")).statusCode).toBe(200);
    });
  });

  describe("POST /admin/logout/", () => {
    it("ends the login as DELETE /api/auth/session/ does: revoked, both cookies cleared, Django's page", async () => {
      const { admin } = await signedInStaff();
      const sessionKey = admin.cookies.sessionid as string;
      const index = await admin.get("/admin/");

      const response = await admin.post("/admin/logout/", { csrfmiddlewaretoken: formToken(index.body) });

      expect(response.statusCode).toBe(200);
      expect(response.body).toContain("<h1>Logged out</h1>");
      expect(response.body).toContain("Thanks for spending some quality time with the web site today.");
      expect(response.body).toContain('<a href="/admin/login/">Log in again</a>');
      expect(response.body).not.toContain("Welcome,");
      for (const name of ["sessionid", "csrftoken"])
        expect(setCookie(response, name)).toMatchObject({ path: "/", sameSite: "Lax", maxAge: 0 });
      const stale = await api.app.inject({
        method: "GET",
        url: "/api/auth/session/",
        cookies: { sessionid: sessionKey },
      });
      expectProblem(stale, 401);
      const again = await api.app.inject({ method: "GET", url: "/admin/", cookies: { sessionid: sessionKey } });
      expect(again.statusCode).toBe(302);
    });

    it("refuses a logout form without its CSRF token (403), and the session goes on", async () => {
      const { admin } = await signedInStaff();

      const response = await admin.post("/admin/logout/", {});

      expect(response.statusCode).toBe(403);
      expect(response.body).toContain("CSRF verification failed. Request aborted.");
      expect((await admin.get("/admin/")).statusCode).toBe(200);
    });
  });
});
