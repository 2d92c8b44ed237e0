import type { AddressInfo } from "node:net";
import { ApiError, createSessionClient, createTokenClient, type Task, type Tokens } from "@tasks/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MovableClock, openTestApi, type TestApi } from "./support/test-api.ts";

/**
 * @tasks/client against the real server, listening on a real socket on the embedded
 * database. The client's own package cannot import the app (apps are where the
 * dependencies end), so its tests against a server live here.
 */

/** fetch that remembers the paths it sent, to count refreshes. */
function recordingFetch() {
  const sent: string[] = [];
  const send = (request: Request) => {
    sent.push(`${request.method} ${new URL(request.url).pathname}`);
    return fetch(request);
  };
  return { sent, send };
}

/**
 * A browser's cookie jar for one site, over Node's fetch (which keeps none): what the
 * server sets is sent back, and a cookie set expired is forgotten.
 */
function cookieJarFetch() {
  const cookies = new Map<string, string>();
  const send = async (request: Request) => {
    if (cookies.size > 0)
      request.headers.set("cookie", [...cookies].map(([name, value]) => `${name}=${value}`).join("; "));
    const response = await fetch(request);
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";").map((part) => part.trim());
      const [name = "", value = ""] = pair.split("=");
      const expired = attributes.some(
        (attribute) => /^max-age=0$/i.test(attribute) || /^expires=Thu, 01 Jan 1970/i.test(attribute),
      );
      if (expired || value === "") cookies.delete(name);
      else cookies.set(name, value);
    }
    return response;
  };
  return { cookies, send, csrfToken: () => cookies.get("csrftoken") };
}

describe("@tasks/client against the server", () => {
  let api: TestApi;
  let clock: MovableClock;
  let baseUrl: string;

  beforeAll(async () => {
    clock = new MovableClock();
    api = await openTestApi("pglite", { clock });
    await api.app.listen({ host: "127.0.0.1", port: 0 });
    baseUrl = `http://127.0.0.1:${(api.app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await api?.close();
  });

  /** Moves the server's clock past the access tokens' lifetime and the leeway it allows. */
  const expireAccessTokens = () => {
    const { accessTokenTtlSeconds, clockToleranceSeconds } = api.tokenSettings;
    clock.advance((accessTokenTtlSeconds + clockToleranceSeconds + 1) * 1000);
  };

  describe("token mode", () => {
    it("logs in, creates, lists page by page, patches and deletes, typed throughout", async () => {
      const { username, password } = await api.signUp("client");
      const client = createTokenClient({ baseUrl });
      const me = await client.logIn(username, password);
      expect(me.username).toBe(username);
      expect(client.loggedIn).toBe(true);

      const created: Task[] = [];
      for (const title of ["one", "two", "three"]) {
        const { data, error, response } = await client.api.POST("/api/tasks/", { body: { title } });
        expect(error).toBeUndefined();
        expect(response.status).toBe(201);
        created.push(data as Task);
      }
      const first = await client.api.GET("/api/tasks/", {
        params: { query: { page_size: 2, ordering: "created_at" } },
      });
      expect(first.data?.count).toBe(3);
      expect(first.data?.results.map((task) => task.title)).toEqual(["one", "two"]);
      expect(first.data?.next).toMatch(/page=2/);
      const second = await client.api.GET("/api/tasks/", {
        params: { query: { page: 2, page_size: 2, ordering: "created_at" } },
      });
      expect(second.data?.results.map((task) => task.title)).toEqual(["three"]);

      const id = (created[0] as Task).id;
      const patched = await client.api.PATCH("/api/tasks/{id}/", {
        params: { path: { id } },
        body: { status: "done" },
      });
      expect(patched.data?.status).toBe("done");
      const deleted = await client.api.DELETE("/api/tasks/{id}/", { params: { path: { id } } });
      expect(deleted.response.status).toBe(204);
      const gone = await client.api.GET("/api/tasks/{id}/", { params: { path: { id } } });
      expect(gone.response.status).toBe(404);
      expect(gone.error?.status).toBe(404);
    });

    it("refuses a wrong password with the server's problem details", async () => {
      const { username } = await api.signUp("client-wrong");
      const client = createTokenClient({ baseUrl });
      const failure = await client.logIn(username, "not the password").catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ApiError);
      expect((failure as ApiError).status).toBe(401);
      expect((failure as ApiError).problem.type).toBe("urn:tasks:problem:invalid-credentials");
      expect(client.loggedIn).toBe(false);
    });

    it("meets an expired access token with one refresh, shared by every request meanwhile, then retries each", async () => {
      const { username, password } = await api.signUp("client-refresh");
      const { sent, send } = recordingFetch();
      const client = createTokenClient({ baseUrl, fetch: send });
      await client.logIn(username, password);
      expireAccessTokens();
      sent.length = 0;

      const answers = await Promise.all([
        client.api.GET("/api/tasks/"),
        client.api.GET("/api/auth/me/"),
        // A request with a body is sent again whole.
        client.api.POST("/api/tasks/", { body: { title: "after expiry" } }),
        client.api.GET("/api/auth/sessions/"),
      ]);
      expect(answers.map(({ response }) => response.status)).toEqual([200, 200, 201, 200]);
      expect(answers[2]?.data).toMatchObject({ title: "after expiry" });
      expect(sent.filter((line) => line === "POST /api/auth/refresh/")).toHaveLength(1);
      // Each request twice: with the expired token, then with the new one.
      expect(sent.filter((line) => line === "POST /api/tasks/")).toHaveLength(2);
    });

    it("ends the login when the refresh is refused: the 401 comes back and onLoggedOut is called once", async () => {
      const { username, password } = await api.signUp("client-revoked");
      let loggedOut = 0;
      const client = createTokenClient({ baseUrl, onLoggedOut: () => (loggedOut += 1) });
      await client.logIn(username, password);
      // Logged out everywhere from elsewhere: this client's refresh token is dead too.
      const other = await api.logIn(username);
      await fetch(`${baseUrl}/api/auth/sessions/`, {
        method: "DELETE",
        headers: { authorization: `Bearer ${other.access}` },
      });
      expireAccessTokens();
      const [list, me] = await Promise.all([client.api.GET("/api/tasks/"), client.api.GET("/api/auth/me/")]);
      expect([list.response.status, me.response.status]).toEqual([401, 401]);
      expect(list.error?.status).toBe(401);
      expect(loggedOut).toBe(1);
      expect(client.loggedIn).toBe(false);
    });

    it("keeps the login when the refresh fails for another reason (a proxy's 502), and refreshes on a later try", async () => {
      const { username, password } = await api.signUp("client-outage");
      let outage = false;
      let loggedOut = 0;
      const client = createTokenClient({
        baseUrl,
        onLoggedOut: () => (loggedOut += 1),
        // A proxy in front of the server that fails while `outage` holds.
        fetch: (request) =>
          outage && new URL(request.url).pathname === "/api/auth/refresh/"
            ? Promise.resolve(new Response("<html>Bad gateway</html>", { status: 502 }))
            : fetch(request),
      });
      await client.logIn(username, password);
      expireAccessTokens();
      outage = true;
      const [list, me] = await Promise.all([client.api.GET("/api/tasks/"), client.api.GET("/api/auth/me/")]);
      expect([list.response.status, me.response.status]).toEqual([502, 502]);
      expect(client.loggedIn).toBe(true);
      expect(loggedOut).toBe(0);
      outage = false;
      expect((await client.api.GET("/api/tasks/")).response.status).toBe(200);
    });

    it("logs out: the server revokes the login, so its access token stops working at once", async () => {
      const { username, password } = await api.signUp("client-logout");
      // Storage the test can read, as sessionStorage would be.
      let stored: Tokens | null = null;
      const client = createTokenClient({
        baseUrl,
        storage: { load: () => stored, save: (tokens) => (stored = tokens) },
      });
      await client.logIn(username, password);
      const held = (stored as Tokens | null)?.access;
      expect(held).toBeDefined();
      await client.logOut();
      expect(client.loggedIn).toBe(false);
      expect(stored).toBeNull();
      const after = await fetch(`${baseUrl}/api/auth/me/`, { headers: { authorization: `Bearer ${held}` } });
      expect(after.status).toBe(401);
    });
  });

  describe("browser-session mode", () => {
    it("logs in with the CSRF cookie and header, creates, lists, patches, deletes and logs out", async () => {
      const { username, password } = await api.signUp("session");
      const jar = cookieJarFetch();
      const client = createSessionClient({ baseUrl, fetch: jar.send, csrfToken: jar.csrfToken });
      expect(await client.currentUser()).toBeNull();
      const me = await client.logIn(username, password);
      expect(me.username).toBe(username);
      expect(jar.cookies.has("sessionid")).toBe(true);
      expect((await client.currentUser())?.username).toBe(username);

      const created = await client.api.POST("/api/tasks/", { body: { title: "from the browser" } });
      expect(created.response.status).toBe(201);
      const id = created.data?.id as string;
      const listed = await client.api.GET("/api/tasks/", { params: { query: { page_size: 1 } } });
      expect(listed.data?.results.map((task) => task.id)).toEqual([id]);
      const patched = await client.api.PATCH("/api/tasks/{id}/", {
        params: { path: { id } },
        body: { status: "doing" },
      });
      expect(patched.data?.status).toBe("doing");
      expect((await client.api.DELETE("/api/tasks/{id}/", { params: { path: { id } } })).response.status).toBe(204);

      await client.logOut();
      expect(jar.cookies.has("sessionid")).toBe(false);
      expect(await client.currentUser()).toBeNull();
    });

    it("is refused by the CSRF check when the header cannot be sent", async () => {
      const { username, password } = await api.signUp("session-csrf");
      const jar = cookieJarFetch();
      let hideToken = false;
      const client = createSessionClient({
        baseUrl,
        fetch: jar.send,
        csrfToken: () => (hideToken ? undefined : jar.csrfToken()),
      });
      await client.logIn(username, password);
      hideToken = true;
      const refused = await client.api.POST("/api/tasks/", { body: { title: "no header" } });
      expect(refused.response.status).toBe(403);
      expect(refused.error?.detail).toMatch(/^CSRF Failed:/);
      // Safe methods need no header.
      expect((await client.api.GET("/api/tasks/")).response.status).toBe(200);
    });
  });
});
