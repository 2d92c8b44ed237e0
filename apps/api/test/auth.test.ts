import { DeactivateUser } from "@tasks/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, expectValidationProblem } from "./support/http.ts";
import { MovableClock, openTestApi, PASSWORD, type TestApi, testApiOn } from "./support/test-api.ts";

describe("authentication", () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await openTestApi("pglite");
  });
  afterAll(async () => {
    await api?.close();
  });

  const post = (url: string, payload: unknown) => api.app.inject({ method: "POST", url, payload: payload as object });
  const me = (access: string) =>
    api.app.inject({ method: "GET", url: "/api/auth/me/", headers: { authorization: `Bearer ${access}` } });

  describe("POST /api/auth/login/", () => {
    it("answers a token pair for the right password", async () => {
      const { username } = await api.signUp("login");
      const response = await post("/api/auth/login/", { username, password: PASSWORD });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(Object.keys(body).sort()).toEqual(["access", "expires_in", "refresh", "token_type"]);
      expect(body.token_type).toBe("Bearer");
      // The access token lives 15 minutes from its issue second (JWT times are whole seconds).
      expect([899, 900]).toContain(body.expires_in);
      expect(body.access.split(".")).toHaveLength(3);
      expect((await me(body.access)).statusCode).toBe(200);
    });

    it("finds the user in any letter case", async () => {
      const { username } = await api.signUp("Case");
      expect(
        (await post("/api/auth/login/", { username: username.toUpperCase(), password: PASSWORD })).statusCode,
      ).toBe(200);
    });

    it("answers one and the same 401 for a wrong password, an unknown user and an inactive user", async () => {
      const { username } = await api.signUp("wrong");
      const inactive = await api.signUp("inactive");
      await new DeactivateUser(api.operator).execute({ username: inactive.username });
      const answers = [
        await post("/api/auth/login/", { username, password: "not the password" }),
        await post("/api/auth/login/", { username: "nobody-at-all", password: PASSWORD }),
        await post("/api/auth/login/", { username: inactive.username, password: PASSWORD }),
      ];
      const bodies = answers.map((response) => {
        expect(response.headers["www-authenticate"]).toMatch(/^Bearer\b/);
        return { ...expectProblem(response, 401), instance: "" };
      });
      expect(bodies[0]?.detail).toBe("No active account found with the given credentials.");
      expect(bodies[1]).toEqual(bodies[0]);
      expect(bodies[2]).toEqual(bodies[0]);
    });

    it("answers 400 naming a missing or blank field", async () => {
      const missing = expectValidationProblem(await post("/api/auth/login/", { username: "someone" }), ["password"]);
      expect(missing.password).toEqual(["This field is required."]);
      expectValidationProblem(await post("/api/auth/login/", { username: "", password: "x" }), ["username"]);
      expectValidationProblem(await post("/api/auth/login/", {}), ["username", "password"]);
    });
  });

  describe("GET /api/auth/me/", () => {
    it("answers the caller's profile, and nothing secret", async () => {
      const { user, access } = await api.signUp("me");
      const response = await me(access);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        id: user.id,
        username: user.username,
        email: "",
        is_staff: false,
        date_joined: user.dateJoined.toISOString(),
      });
    });

    it("answers 401 without a token, and for a malformed Authorization header", async () => {
      for (const authorization of [undefined, "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer a b", "token"]) {
        const response = await api.app.inject({
          method: "GET",
          url: "/api/auth/me",
          headers: authorization === undefined ? {} : { authorization },
        });
        expectProblem(response, 401);
        expect(response.headers["www-authenticate"]).toMatch(/^Bearer\b/);
      }
    });
  });

  describe("POST /api/auth/refresh/", () => {
    it("spends the refresh token for a new pair that works", async () => {
      const { refresh } = await api.signUp("refresh");
      const response = await post("/api/auth/refresh/", { refresh });
      expect(response.statusCode).toBe(200);
      const pair = response.json();
      expect(pair.token_type).toBe("Bearer");
      expect([899, 900]).toContain(pair.expires_in);
      expect(pair.refresh).not.toBe(refresh);
      expect((await me(pair.access)).statusCode).toBe(200);
      expect((await post("/api/auth/refresh/", { refresh: pair.refresh })).statusCode).toBe(200);
    });

    it("treats a spent refresh token presented after the reuse window as stolen: 401, and the whole login is revoked", async () => {
      const clock = new MovableClock();
      const timed = await testApiOn("pglite", api.testDatabase, { clock });
      try {
        const { refresh } = await timed.signUp("reuse");
        const postTo = (payload: object) => timed.app.inject({ method: "POST", url: "/api/auth/refresh/", payload });
        const rotated = (await postTo({ refresh })).json();
        clock.advance(10_001);
        const reuse = await postTo({ refresh });
        expectProblem(reuse, 401);
        expect(reuse.headers["www-authenticate"]).toMatch(/^Bearer\b/);
        // The legitimate holder of the newest token is locked out too.
        expectProblem(await postTo({ refresh: rotated.refresh }), 401);
      } finally {
        await timed.close();
      }
    });

    it("answers 400 without a refresh token and 401 for garbage", async () => {
      expectValidationProblem(await post("/api/auth/refresh/", {}), ["refresh"]);
      expectProblem(await post("/api/auth/refresh/", { refresh: "not.a.token" }), 401);
    });
  });

  describe("POST /api/auth/logout/", () => {
    it("answers 204 and revokes the login: a later refresh is 401", async () => {
      const { refresh } = await api.signUp("logout");
      const response = await post("/api/auth/logout/", { refresh });
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe("");
      expectProblem(await post("/api/auth/refresh/", { refresh }), 401);
    });

    it("leaves the user's other logins alone", async () => {
      const { username, refresh } = await api.signUp("two-logins");
      const other = await api.logIn(username);
      expect((await post("/api/auth/logout/", { refresh })).statusCode).toBe(204);
      expect((await post("/api/auth/refresh/", { refresh: other.refresh })).statusCode).toBe(200);
    });
  });
});
