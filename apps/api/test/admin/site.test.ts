import type { ResolveCaller } from "@tasks/domain";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "../support/http.ts";
import { openTestApi, PASSWORD, type TestApi, testApiOn } from "../support/test-api.ts";
import { AdminBrowser, aUser, formToken } from "./support.ts";

const ADMIN_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

describe("web admin: the site", () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await openTestApi("pglite");
  });
  afterAll(async () => {
    await api?.close();
  });

  async function signedInStaff(options: { isSuperuser?: boolean } = {}) {
    const user = await aUser(api, { prefix: "staff", isStaff: true, ...options });
    const admin = new AdminBrowser(api);
    expect((await admin.logIn(user.username)).statusCode).toBe(303);
    return { user, admin };
  }

  describe("GET /admin/", () => {
    it("lists Users and Tasks with Django's Add and Change links, under 'Site administration'", async () => {
      const { admin } = await signedInStaff();

      const response = await admin.get("/admin/");

      expect(response.statusCode).toBe(200);
      expect(response.body).toContain("<title>Site administration | Tasks administration</title>");
      expect(response.body).toContain("<h1>Site administration</h1>");
      expect(response.body).toContain('<th scope="row"><a href="/admin/auth/user/">Users</a></th>');
      expect(response.body).toContain('<a href="/admin/auth/user/add/" class="addlink">Add</a>');
      expect(response.body).toContain('<a href="/admin/auth/user/" class="changelink">Change</a>');
      expect(response.body).toContain('<th scope="row"><a href="/admin/tasks/task/">Tasks</a></th>');
      expect(response.body).toContain('<a href="/admin/tasks/task/add/" class="addlink">Add</a>');
      expect(response.body).toContain('<a href="/admin/tasks/task/" class="changelink">Change</a>');
      expect(response.body).toContain('<a href="/admin/password_change/">Change password</a>');
      expect(response.body).toContain('<form id="logout-form" method="post" action="/admin/logout/">');
      expect(formToken(response.body)).toBe(admin.cookies.csrftoken);
      expect(response.body).toContain("<h2>Recent actions</h2>");
      expect(response.body).toContain("None available");
    });

    it("is served without the trailing slash too", async () => {
      const { admin } = await signedInStaff();

      expect((await admin.get("/admin")).statusCode).toBe(200);
    });
  });

  describe("headers", () => {
    it("sends pages as UTF-8 HTML, never stored, under a policy that allows no script and no inline style", async () => {
      const { admin } = await signedInStaff();
      const anonymous = new AdminBrowser(api);

      for (const [browser, url] of [
        [admin, "/admin/"],
        [anonymous, "/admin/login/"],
        [admin, "/admin/no-such-page/"],
      ] as const) {
        const response = await browser.get(url);
        expect(response.statusCode, url).not.toBe(302);
        expect(response.headers["content-type"], url).toBe("text/html; charset=utf-8");
        expect(response.headers["content-security-policy"], url).toBe(ADMIN_CSP);
        expect(response.headers["content-security-policy"]).not.toContain("unsafe-inline");
        expect(response.headers["cache-control"], url).toBe("no-store");
        expect(response.headers["x-content-type-options"], url).toBe("nosniff");
        expect(response.headers["x-frame-options"], url).toBe("DENY");
        // Not the API's no-referrer: under it, browsers post forms with `Origin: null`.
        expect(response.headers["referrer-policy"], url).toBe("same-origin");
        expect(response.headers["x-request-id"], url).toEqual(expect.any(String));
        expect(response.body, url).not.toMatch(/<script|style="|<style/);
      }
    });

    it("leaves the API's own policy on the API", async () => {
      const response = await api.app.inject({ method: "GET", url: "/api/health/" });

      expect(response.headers["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(response.headers["referrer-policy"]).toBe("no-referrer");
      expect(response.headers["cache-control"]).toBeUndefined();
    });
  });

  describe("GET /admin/static/admin.css", () => {
    it("serves the stylesheet to anyone, with the classes the pages use, kept by the browser a day", async () => {
      const response = await api.app.inject({ method: "GET", url: "/admin/static/admin.css" });

      expect(response.statusCode).toBe(200);
      expect(response.headers["content-type"]).toBe("text/css; charset=utf-8");
      expect(response.headers["cache-control"]).toBe("public, max-age=86400");
      for (const selector of [
        ".errorlist",
        ".errornote",
        ".module",
        "#changelist",
        "#changelist-filter",
        ".paginator",
        ".submit-row",
        ".deletelink",
        ".messagelist li.success",
        ".messagelist li.error",
        "table#result_list",
        ".actions",
      ])
        expect(response.body, selector).toContain(selector);
    });
  });

  describe("form bodies", () => {
    it("are read only by the admin: the JSON API still answers 415 to a form", async () => {
      const response = await api.app.inject({
        method: "POST",
        url: "/api/auth/login/",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        payload: new URLSearchParams({ username: "someone", password: PASSWORD }).toString(),
      });

      expectProblem(response, 415);
    });

    it("are all the admin reads: JSON posted to it is a 415 page", async () => {
      const admin = new AdminBrowser(api);
      const token = formToken((await admin.get("/admin/login/")).body);

      const response = await admin.request({
        method: "POST",
        url: "/admin/login/",
        headers: { "x-csrftoken": token },
        payload: { username: "someone", password: PASSWORD },
      });

      expect(response.statusCode).toBe(415);
      expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(response.headers["content-security-policy"]).toBe(ADMIN_CSP);
    });
  });

  describe("messages", () => {
    const messagesCookie = (messages: [string, string][]) => api.app.signCookie(JSON.stringify(messages));

    it("shows a message of the signed cookie once, escaped, and clears the cookie", async () => {
      const { admin } = await signedInStaff();
      admin.cookies.messages = messagesCookie([["success", "The task “<b>Pay</b>” was added successfully."]]);

      const shown = await admin.get("/admin/");

      expect(shown.body).toContain(
        '<li class="success">The task “&lt;b&gt;Pay&lt;/b&gt;” was added successfully.</li>',
      );
      expect(shown.cookies.find((cookie) => cookie.name === "messages")).toMatchObject({ maxAge: 0, path: "/admin/" });
      expect((await admin.get("/admin/")).body).not.toContain("messagelist");
    });

    it("ignores a messages cookie the server did not sign", async () => {
      const { admin } = await signedInStaff();
      admin.cookies.messages = JSON.stringify([["error", "Your password expired: go to evil.example"]]);

      const response = await admin.get("/admin/");

      expect(response.statusCode).toBe(200);
      expect(response.body).not.toContain("evil.example");
    });
  });

  describe("error pages", () => {
    it("answers an unknown admin path with the admin's 404 page, not the API's problem, whatever the method", async () => {
      const admin = new AdminBrowser(api);
      for (const response of [await admin.get("/admin/no/such/page/"), await admin.post("/admin/no/such/page/", {})]) {
        expect(response.statusCode).toBe(404);
        expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
        expect(response.body).toContain("<h1>Page not found</h1>");
      }
    });

    it("answers a known admin path called with the wrong method with 405 and Allow", async () => {
      const response = await new AdminBrowser(api).get("/admin/logout/");

      expect(response.statusCode).toBe(405);
      expect(response.headers.allow).toBe("POST, OPTIONS");
      expect(response.body).toContain("<h1>Method Not Allowed (405)</h1>");
    });

    it("answers an unexpected error with a 500 page that tells nothing of it, and logs it", async () => {
      const lines: Record<string, unknown>[] = [];
      const logger = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line)) });
      const failing = {
        execute: async () => {
          throw new Error("secret internals at /srv/app");
        },
      } as unknown as ResolveCaller;
      const broken = await testApiOn(api.engine, api.testDatabase, {
        logger,
        adjust: (deps) => ({ ...deps, useCases: { ...deps.useCases, resolveCaller: failing } }),
      });
      try {
        const response = await broken.app.inject({ method: "GET", url: "/admin/", cookies: { sessionid: "anything" } });

        expect(response.statusCode).toBe(500);
        expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
        expect(response.headers["content-security-policy"]).toBe(ADMIN_CSP);
        expect(response.body).toContain("<h1>Server error (500)</h1>");
        expect(response.body).toContain(`Request id: ${response.headers["x-request-id"]}`);
        expect(response.body).not.toContain("secret internals");
        const logged = lines.find((line) => line.msg === "request failed");
        expect(JSON.stringify(logged)).toContain("secret internals at /srv/app");
      } finally {
        await broken.close();
      }
    });
  });

  describe("ADMIN_SITE=false", () => {
    it("serves no admin: /admin/ is the API's 404 problem, as any unknown path", async () => {
      const off = await testApiOn(api.engine, api.testDatabase, { config: { adminSite: false } });
      try {
        for (const url of ["/admin/", "/admin/login/", "/admin/static/admin.css"])
          expectProblem(await off.app.inject({ method: "GET", url }), 404);
      } finally {
        await off.close();
      }
    });
  });
});
