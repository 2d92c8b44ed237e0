import { createHmac, randomBytes } from "node:crypto";
import { DeactivateUser, DeleteUser, SetPassword } from "@tasks/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "./support/http.ts";
import { openTestApi, type TestApi, type TestUser, tokenServiceFor } from "./support/test-api.ts";

/** JWTs built by hand with node:crypto, so that forged tokens are real attacks, not what a library would sign. */
function segment(value: unknown): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

function sign(header: object, payload: object, key: string, hash = "sha256"): string {
  const input = `${segment(header)}.${segment(payload)}`;
  return `${input}.${createHmac(hash, key).update(input).digest("base64url")}`;
}

function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
}

const HEADER = { alg: "HS256", typ: "JWT" };

describe("token attacks", () => {
  let api: TestApi;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    api = await openTestApi("pglite");
    alice = await api.signUp("alice");
    bob = await api.signUp("bob");
  });
  afterAll(async () => {
    await api?.close();
  });

  const me = (token: string) =>
    api.app.inject({ method: "GET", url: "/api/auth/me/", headers: { authorization: `Bearer ${token}` } });
  const expectRefused = async (token: string) => {
    const response = await me(token);
    const body = expectProblem(response, 401);
    expect(body.detail).toBe("Token is invalid or expired.");
    expect(response.headers["www-authenticate"]).toBe('Bearer realm="api", error="invalid_token"');
  };

  it("accepts the genuine token (the control for every attack below)", async () => {
    expect((await me(alice.access)).json().id).toBe(alice.user.id);
    expect(sign(HEADER, payloadOf(alice.access), api.tokenSettings.secret)).toBe(alice.access);
  });

  it('refuses alg "none" with no signature', async () => {
    const payload = segment(payloadOf(alice.access));
    await expectRefused(`${segment({ alg: "none", typ: "JWT" })}.${payload}.`);
    await expectRefused(`${segment({ alg: "none" })}.${payload}`);
  });

  it("refuses HS256 signed with another key", async () => {
    await expectRefused(sign(HEADER, payloadOf(alice.access), randomBytes(48).toString("base64url")));
  });

  it("refuses another algorithm, even signed with the right key", async () => {
    await expectRefused(
      sign({ alg: "HS512", typ: "JWT" }, payloadOf(alice.access), api.tokenSettings.secret, "sha512"),
    );
  });

  it("refuses a payload edited under the original signature (claiming another user)", async () => {
    const [header, , signature] = alice.access.split(".");
    const edited = `${header}.${segment({ ...payloadOf(alice.access), sub: bob.user.id })}.${signature}`;
    await expectRefused(edited);
  });

  it("refuses an expired token", async () => {
    const hourAgo = new Date(Date.now() - 3_600_000);
    const issued = await tokenServiceFor(api).issueAccessToken(
      {
        userId: alice.user.id,
        sessionId: payloadOf(alice.access).sid as string,
        tokenId: "expired-token",
        tokenVersion: alice.user.tokenVersion,
      },
      { issuedAt: hourAgo, notAfter: new Date(Date.now() + 3_600_000) },
    );
    await expectRefused(issued.token);
  });

  it("refuses a wrong iss and a wrong aud, even signed with the right key", async () => {
    const payload = payloadOf(alice.access);
    await expectRefused(sign(HEADER, { ...payload, iss: "someone-else" }, api.tokenSettings.secret));
    await expectRefused(sign(HEADER, { ...payload, aud: "another-api" }, api.tokenSettings.secret));
  });

  it("refuses a token with a missing claim, even signed with the right key", async () => {
    const { ver: _ver, ...payload } = payloadOf(alice.access);
    await expectRefused(sign(HEADER, payload, api.tokenSettings.secret));
  });

  it("refuses a refresh token used as an access token", async () => {
    await expectRefused(alice.refresh);
  });

  it("refuses an access token used as a refresh token", async () => {
    const user = await api.signUp("swap");
    const response = await api.app.inject({
      method: "POST",
      url: "/api/auth/refresh/",
      payload: { refresh: user.access },
    });
    expectProblem(response, 401);
    expect(response.headers["www-authenticate"]).toMatch(/^Bearer\b/);
    expect(
      (await api.app.inject({ method: "POST", url: "/api/auth/refresh/", payload: { refresh: user.refresh } }))
        .statusCode,
    ).toBe(200);
  });

  it("kills the whole session when a refresh token is reused, access tokens of later pairs aside", async () => {
    const user = await api.signUp("stolen");
    const refresh = (token: string) =>
      api.app.inject({ method: "POST", url: "/api/auth/refresh/", payload: { refresh: token } });
    const second = (await refresh(user.refresh)).json();
    const third = (await refresh(second.refresh)).json();
    expectProblem(await refresh(user.refresh), 401);
    expectProblem(await refresh(third.refresh), 401);
    expectProblem(await refresh(second.refresh), 401);
  });

  it("refuses the tokens of a deactivated user", async () => {
    const user = await api.signUp("deactivated");
    expect((await me(user.access)).statusCode).toBe(200);
    await new DeactivateUser(api.operator).execute({ username: user.username });
    await expectRefused(user.access);
    expectProblem(
      await api.app.inject({ method: "POST", url: "/api/auth/refresh/", payload: { refresh: user.refresh } }),
      401,
    );
  });

  it("refuses the tokens of a deleted user", async () => {
    const user = await api.signUp("deleted");
    await new DeleteUser({ users: api.database.users }).execute({ username: user.username });
    await expectRefused(user.access);
  });

  it("refuses tokens issued before a password change, and accepts a login with the new password", async () => {
    const user = await api.signUp("changed");
    const newPassword = "a completely new passphrase";
    await new SetPassword(api.operator).execute({
      username: user.username,
      password: newPassword,
    });
    await expectRefused(user.access);
    expectProblem(
      await api.app.inject({ method: "POST", url: "/api/auth/refresh/", payload: { refresh: user.refresh } }),
      401,
    );
    const fresh = await api.logIn(user.username, newPassword);
    expect((await me(fresh.access)).statusCode).toBe(200);
  });
});
