import { randomBytes } from "node:crypto";
import type { InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, expectValidationProblem } from "./support/http.ts";
import { MovableClock, openTestApi, PASSWORD, type TestApi, type TestUser } from "./support/test-api.ts";

interface LoginBody {
  id: string;
  kind: "token" | "cookie";
  created_at: string;
  last_used_at: string;
  expires_at: string;
  ip_address: string | null;
  user_agent: string | null;
  current: boolean;
}

interface PairBody {
  access: string;
  refresh: string;
  token_type: string;
  expires_in: number;
}

describe("logins, the account and simplejwt's paths", () => {
  let api: TestApi;
  const clock = new MovableClock();

  beforeAll(async () => {
    api = await openTestApi("pglite", { clock, config: { loginMaxFailures: 1_000 } });
  });
  afterAll(async () => {
    await api?.close();
  });

  const request = (options: InjectOptions) => api.app.inject(options);
  const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
    request({ method: "POST", url, payload, headers });
  const logins = async (user: { auth: { authorization: string } }) =>
    (await request({ method: "GET", url: "/api/auth/sessions/", headers: user.auth })).json<{ results: LoginBody[] }>()
      .results;
  const me = (access: string) => request({ method: "GET", url: "/api/auth/me/", headers: bearer(access) });
  const bearer = (access: string) => ({ authorization: `Bearer ${access}` });

  /** Another token login of the same user, from its own client. */
  async function anotherLogin(user: TestUser, userAgent = "second-device/2.0"): Promise<PairBody> {
    const response = await request({
      method: "POST",
      url: "/api/auth/login/",
      payload: { username: user.username, password: user.password },
      headers: { "user-agent": userAgent },
      remoteAddress: "198.51.100.7",
    });
    expect(response.statusCode).toBe(200);
    return response.json<PairBody>();
  }

  describe("simplejwt's paths", () => {
    it("POST /api/token/ logs in like /api/auth/login/, with the same errors", async () => {
      const user = await api.signUp("simplejwt");
      const response = await post("/api/token/", { username: user.username, password: PASSWORD });
      expect(response.statusCode).toBe(200);
      expect(Object.keys(response.json()).sort()).toEqual(["access", "expires_in", "refresh", "token_type"]);
      expect((await me(response.json<PairBody>().access)).statusCode).toBe(200);
      const wrong = await post("/api/token/", { username: user.username, password: "nope" });
      expect(expectProblem(wrong, 401).detail).toBe("No active account found with the given credentials.");
      expectValidationProblem(await post("/api/token/", { username: user.username }), ["password"]);
    });

    it("POST /api/token/refresh/ rotates like /api/auth/refresh/", async () => {
      const user = await api.signUp("simplejwt-refresh");
      const response = await post("/api/token/refresh/", { refresh: user.refresh });
      expect(response.statusCode).toBe(200);
      expect(response.json<PairBody>().refresh).not.toBe(user.refresh);
      expectValidationProblem(await post("/api/token/refresh/", {}), ["refresh"]);
    });

    it("POST /api/token/verify/ answers {} for a valid token of a live login, else 401, and 400 without one", async () => {
      const user = await api.signUp("verify");
      for (const token of [user.access, user.refresh]) {
        const valid = await post("/api/token/verify/", { token });
        expect(valid.statusCode).toBe(200);
        expect(valid.json()).toEqual({});
      }
      expectProblem(await post("/api/token/verify/", { token: "not.a.token" }), 401);
      expectValidationProblem(await post("/api/token/verify/", {}), ["token"]);
      await post("/api/auth/logout/", { refresh: user.refresh });
      expectProblem(await post("/api/token/verify/", { token: user.access }), 401);
    });

    it("POST /api/token/verify/ answers 401 for a spent refresh token, once a refresh would no longer take it", async () => {
      const user = await api.signUp("verify-spent");
      const rotated = await post("/api/auth/refresh/", { refresh: user.refresh });
      expect(rotated.statusCode).toBe(200);
      const { refresh } = rotated.json<PairBody>();
      // Within the reuse window a refresh still takes it (and answers the same pair): valid.
      expect((await post("/api/token/verify/", { token: user.refresh })).statusCode).toBe(200);
      clock.advance(11_000);
      expectProblem(await post("/api/token/verify/", { token: user.refresh }), 401);
      // Verifying changed nothing: the login and its current tokens live on.
      expect((await post("/api/token/verify/", { token: refresh })).statusCode).toBe(200);
      expect((await post("/api/auth/refresh/", { refresh })).statusCode).toBe(200);
    });

    it("POST /api/token/blacklist/ answers {} and revokes the login, its access token included", async () => {
      const user = await api.signUp("blacklist");
      const response = await post("/api/token/blacklist/", { refresh: user.refresh });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({});
      expectProblem(await me(user.access), 401);
      expectProblem(await post("/api/token/refresh/", { refresh: user.refresh }), 401);
    });
  });

  describe("logins that die at once", () => {
    it("refuses an access token at once after logout", async () => {
      const user = await api.signUp("logout-now");
      expect((await me(user.access)).statusCode).toBe(200);
      expect((await post("/api/auth/logout/", { refresh: user.refresh })).statusCode).toBe(204);
      const refused = await me(user.access);
      expectProblem(refused, 401);
      expect(refused.headers["www-authenticate"]).toMatch(/^Bearer\b/);
    });

    it("gives two concurrent refreshes of one token the same pair, and keeps the login alive", async () => {
      const user = await api.signUp("two-tabs");
      const [one, two] = await Promise.all([
        post("/api/auth/refresh/", { refresh: user.refresh }),
        post("/api/token/refresh/", { refresh: user.refresh }),
      ]);
      expect([one.statusCode, two.statusCode]).toEqual([200, 200]);
      const [first, second] = [one.json<PairBody>(), two.json<PairBody>()];
      expect(second.access).toBe(first.access);
      expect(second.refresh).toBe(first.refresh);
      expect((await me(first.access)).statusCode).toBe(200);
      expect((await post("/api/auth/refresh/", { refresh: first.refresh })).statusCode).toBe(200);
    });

    it("answers a retry within the reuse window with the same pair, and revokes everything after it", async () => {
      const user = await api.signUp("retry");
      const first = (await post("/api/auth/refresh/", { refresh: user.refresh })).json<PairBody>();
      clock.advance(9_000);
      const retried = await post("/api/auth/refresh/", { refresh: user.refresh });
      expect(retried.json<PairBody>()).toMatchObject({ access: first.access, refresh: first.refresh });
      clock.advance(2_000);
      expectProblem(await post("/api/auth/refresh/", { refresh: user.refresh }), 401);
      expectProblem(await me(first.access), 401);
      expectProblem(await post("/api/auth/refresh/", { refresh: first.refresh }), 401);
    });
  });

  describe("GET /api/auth/sessions/", () => {
    it("lists the caller's live logins newest first, marking the current one", async () => {
      const user = await api.signUp("lister");
      clock.advance(1_000);
      const second = await anotherLogin(user);

      const listed = await logins({ auth: bearer(second.access) });

      expect(listed).toHaveLength(2);
      expect(listed.map((login) => login.current)).toEqual([true, false]);
      const [newest, oldest] = listed as [LoginBody, LoginBody];
      expect(newest).toMatchObject({ kind: "token", ip_address: "198.51.100.7", user_agent: "second-device/2.0" });
      expect(Date.parse(newest.created_at)).toBeGreaterThan(Date.parse(oldest.created_at));
      expect(Object.keys(newest).sort()).toEqual([
        "created_at",
        "current",
        "expires_at",
        "id",
        "ip_address",
        "kind",
        "last_used_at",
        "user_agent",
      ]);
      expect(await logins(user)).toEqual(listed.map((login) => ({ ...login, current: !login.current })));
    });

    it("moves a login's last use at most once a minute", async () => {
      const user = await api.signUp("last-use");
      const before = (await logins(user))[0]?.last_used_at;
      clock.advance(30_000);
      expect((await logins(user))[0]?.last_used_at).toBe(before);
      clock.advance(31_000);
      await logins(user);
      expect(Date.parse((await logins(user))[0]?.last_used_at ?? "")).toBeGreaterThan(Date.parse(before ?? ""));
    });
  });

  describe("DELETE /api/auth/sessions/<id>/", () => {
    it("revokes one of the caller's logins: its tokens stop working at once", async () => {
      const user = await api.signUp("revoke-one");
      const other = await anotherLogin(user);
      const target = (await logins(user)).find((login) => !login.current);

      const response = await request({
        method: "DELETE",
        url: `/api/auth/sessions/${target?.id}/`,
        headers: user.auth,
      });

      expect(response.statusCode).toBe(204);
      expectProblem(await me(other.access), 401);
      expectProblem(await post("/api/auth/refresh/", { refresh: other.refresh }), 401);
      expect((await me(user.access)).statusCode).toBe(200);
    });

    it("answers 404, alike, for another user's login, an unknown one and a malformed id", async () => {
      const alice = await api.signUp("alice");
      const bob = await api.signUp("bob");
      const bobsLogin = (await logins(bob))[0]?.id;
      const bodies = [];
      for (const id of [bobsLogin, "0199c0de-5a1e-7000-8000-000000000001", "not-an-id"]) {
        const response = await request({ method: "DELETE", url: `/api/auth/sessions/${id}/`, headers: alice.auth });
        const { instance: _instance, ...body } = expectProblem(response, 404);
        bodies.push(body);
      }
      expect(new Set(bodies.map((body) => JSON.stringify(body))).size).toBe(1);
      expect((await me(bob.access)).statusCode).toBe(200);
    });
  });

  describe("DELETE /api/auth/sessions/", () => {
    it("revokes every login of the caller but the current one", async () => {
      const user = await api.signUp("everywhere-else");
      const others = [await anotherLogin(user), await anotherLogin(user, "third")];

      const response = await request({ method: "DELETE", url: "/api/auth/sessions/", headers: user.auth });

      expect(response.statusCode).toBe(204);
      for (const other of others) expectProblem(await me(other.access), 401);
      expect(await logins(user)).toEqual([expect.objectContaining({ current: true })]);
    });
  });

  describe("POST /api/auth/password/", () => {
    const change = (user: { auth: { authorization: string } }, payload: object) =>
      request({ method: "POST", url: "/api/auth/password/", headers: user.auth, payload });

    it("changes the password, keeps the current login and revokes every other", async () => {
      const user = await api.signUp("changer");
      const other = await anotherLogin(user);

      const response = await change(user, { old_password: PASSWORD, new_password: "a brand new pass phrase" });

      expect(response.statusCode).toBe(204);
      expect((await me(user.access)).statusCode).toBe(200);
      expect((await post("/api/auth/refresh/", { refresh: user.refresh })).statusCode).toBe(200);
      expectProblem(await me(other.access), 401);
      expectProblem(await post("/api/auth/login/", { username: user.username, password: PASSWORD }), 401);
      expect(
        (await post("/api/auth/login/", { username: user.username, password: "a brand new pass phrase" })).statusCode,
      ).toBe(200);
    });

    it("refuses a wrong old password naming old_password, and a weak new one naming new_password", async () => {
      const user = await api.signUp("careful");
      const wrong = expectValidationProblem(
        await change(user, { old_password: "nope", new_password: "fine pass phrase 1" }),
        ["old_password"],
      );
      expect(wrong.old_password).toEqual(["Your old password was entered incorrectly. Please enter it again."]);
      const weak = expectValidationProblem(await change(user, { old_password: PASSWORD, new_password: "123" }), [
        "new_password",
      ]);
      expect(weak.new_password).toContain("This password is entirely numeric.");
      expectValidationProblem(await change(user, {}), ["old_password", "new_password"]);
      expect((await me(user.access)).statusCode).toBe(200);
    });
  });

  describe("POST /api/auth/register/", () => {
    it("is not served while registration is closed (the default)", async () => {
      const response = await post("/api/auth/register/", { username: "newcomer", password: PASSWORD });
      expectProblem(response, 404);
    });

    describe("when REGISTRATION=open", () => {
      let open: TestApi;

      beforeAll(async () => {
        open = await openTestApi("pglite", { config: { registrationOpen: true, loginMaxFailures: 3 } });
      });
      afterAll(async () => {
        await open?.close();
      });

      const register = (payload: object, remoteAddress = "203.0.113.9") =>
        open.app.inject({ method: "POST", url: "/api/auth/register/", payload, remoteAddress });

      it("creates an ordinary active user who can log in", async () => {
        const username = `newcomer_${randomBytes(3).toString("hex")}`;
        const response = await register({ username, password: PASSWORD, email: "new@example.com" }, "203.0.113.1");
        expect(response.statusCode).toBe(201);
        expect(response.json()).toMatchObject({ username, email: "new@example.com", is_staff: false });
        const login = await open.app.inject({
          method: "POST",
          url: "/api/auth/login/",
          payload: { username, password: PASSWORD },
        });
        expect(login.statusCode).toBe(200);
      });

      it("refuses a taken username and a weak password, naming them, and unknown members", async () => {
        const taken = await open.signUp("taken");
        const errors = expectValidationProblem(
          await register({ username: taken.username.toUpperCase(), password: "123" }, "203.0.113.2"),
          ["username", "password"],
        );
        expect(errors.username).toEqual(["A user with that username already exists."]);
        expectValidationProblem(await register({ username: "x", password: PASSWORD, is_staff: true }, "203.0.113.2"), [
          "is_staff",
        ]);
      });

      it("counts every attempt against the client's address, and answers 429 past the limit", async () => {
        for (let attempt = 0; attempt < 3; attempt++)
          await register({ username: `burst_${attempt}_${randomBytes(2).toString("hex")}`, password: PASSWORD });
        const refused = await register({ username: "one_too_many", password: PASSWORD });
        expectProblem(refused, 429);
        expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
      });
    });
  });
});
