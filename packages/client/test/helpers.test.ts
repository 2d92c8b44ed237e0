import { describe, expect, it } from "vitest";
import { cookieValue, createTokenClient, problemOf } from "../src/index.ts";

describe("the client's helpers", () => {
  it("reads a cookie from a document.cookie string", () => {
    expect(cookieValue("a=1; csrftoken=abc%3D; b=2", "csrftoken")).toBe("abc=");
    expect(cookieValue("xcsrftoken=no; csrftoken=yes", "csrftoken")).toBe("yes");
    expect(cookieValue("a=1", "csrftoken")).toBeUndefined();
    expect(cookieValue("", "csrftoken")).toBeUndefined();
  });

  it("takes the server's problem details as they are", async () => {
    const problem = {
      type: "urn:tasks:problem:not-found",
      title: "Not found",
      status: 404,
      detail: "Not found.",
      instance: "/api/tasks/x/",
    };
    expect(await problemOf(new Response(JSON.stringify(problem), { status: 404 }))).toEqual(problem);
  });

  it("makes problem details of an answer that has none, such as a proxy's error page", async () => {
    const page = new Response("<html>Bad gateway</html>", { status: 502, statusText: "Bad Gateway" });
    expect(await problemOf(page)).toEqual({
      type: "about:blank",
      title: "Bad Gateway",
      status: 502,
      detail: "The server answered 502.",
      instance: "/",
    });
  });
});

describe("the token client's own paths", () => {
  it("are sent without the access token whatever case or default port the base URL is written in", async () => {
    const seen: { url: string; authorization: string | null }[] = [];
    const client = createTokenClient({
      baseUrl: "http://LOCALHOST:80/prefix/",
      storage: {
        load: () => ({ access: "held-access", refresh: "held-refresh" }),
        save: () => {},
      },
      fetch: async (request) => {
        seen.push({ url: request.url, authorization: request.headers.get("authorization") });
        return new Response("{}", { status: 400, headers: { "content-type": "application/json" } });
      },
    });

    await client.api.POST("/api/auth/login/", { body: { username: "alice", password: "x" } });
    await client.api.GET("/api/tasks/", {});

    expect(seen).toEqual([
      { url: "http://localhost/prefix/api/auth/login/", authorization: null },
      { url: "http://localhost/prefix/api/tasks/", authorization: "Bearer held-access" },
    ]);
  });
});
