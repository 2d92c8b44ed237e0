import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserSession } from "./support/browser-session.ts";
import { expectProblem } from "./support/http.ts";
import { openTestApi, type TestApi } from "./support/test-api.ts";

// What a page on another origin of the API's site can send with the user's session cookie
// (SameSite=Lax lets it go): an HTML form, or a fetch that needs no preflight. Neither can
// carry X-CSRFToken, and neither body is JSON, so only a CSRF check made before the body is
// read answers them as what they are.
describe("the CSRF check comes before the body is read", () => {
  let api: TestApi;
  let cookies: Record<string, string>;

  beforeAll(async () => {
    api = await openTestApi("pglite");
    const { username } = await api.signUp("form");
    ({ cookies } = await browserSession(api, username));
  });
  afterAll(async () => {
    await api?.close();
  });

  it.each([
    ["a text/plain form", "text/plain", '{"title":"planted","padding":"="}'],
    ["a url-encoded form", "application/x-www-form-urlencoded", "title=planted"],
    [
      "a multipart form",
      "multipart/form-data; boundary=x",
      '--x\r\nContent-Disposition: form-data; name="title"\r\n\r\nplanted\r\n--x--\r\n',
    ],
  ])("refuses %s posted from another origin with 403 CSRF Failed, and creates nothing", async (_form, type, body) => {
    const response = await api.app.inject({
      method: "POST",
      url: "/api/tasks/",
      cookies,
      headers: { "content-type": type, origin: "http://evil.example.test" },
      payload: body,
    });
    expect(expectProblem(response, 403).detail).toBe(
      "CSRF Failed: Origin checking failed - http://evil.example.test does not match any trusted origins.",
    );
    const tasks = await api.app.inject({ method: "GET", url: "/api/tasks/", cookies });
    expect(tasks.json()).toMatchObject({ count: 0 });
  });

  it("refuses a body that is not JSON, or too large, without the CSRF header with 403 first", async () => {
    for (const [type, body] of [
      ["text/plain", "planted"],
      ["application/json", `{"title":"${"x".repeat(70_000)}"}`],
      ["application/json", "{not json"],
    ] as const) {
      const response = await api.app.inject({
        method: "POST",
        url: "/api/tasks/",
        cookies,
        headers: { "content-type": type },
        payload: body,
      });
      expect(expectProblem(response, 403).detail).toBe("CSRF Failed: CSRF token missing.");
    }
  });
});
