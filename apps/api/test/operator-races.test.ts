import { DeactivateUser, SetPassword } from "@tasks/domain";
import { describeOnEngines } from "@tasks/persistence/testing";
import { postgresAvailability } from "@tasks/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openTestApi, PASSWORD, type TestApi } from "./support/test-api.ts";

const NEW_PASSWORD = "a brand new pass phrase";
// Logins of one user that may be checked at once (LogIn's in-flight cap): every one of them races.
const CLIENTS = 2;

/**
 * An operator's change (taskctl users deactivate / set-password) made while correct logins
 * of that user stream in: no login in flight may write back what it read before the change.
 */
describeOnEngines(await postgresAvailability(), "an operator's change racing logins", (engine) => {
  let api: TestApi;

  beforeAll(async () => {
    api = await openTestApi(engine, { config: { loginMaxFailures: 100_000 } });
  });
  afterAll(async () => {
    await api?.close();
  });

  const login = (username: string, password: string, client: number) =>
    api.app.inject({
      method: "POST",
      url: "/api/auth/login/",
      payload: { username, password },
      remoteAddress: `192.0.2.${client + 1}`,
    });
  const me = (access: string) =>
    api.app.inject({ method: "GET", url: "/api/auth/me/", headers: { authorization: `Bearer ${access}` } });

  /**
   * Streams logins from CLIENTS clients until `change` has finished and every client has
   * sent one more login after that; answers the access tokens they got.
   */
  async function loginsAround(username: string, password: string, change: () => Promise<unknown>) {
    const tokens: string[] = [];
    let changed = false;
    let started = 0;
    const client = async (index: number) => {
      for (let sentAfterChange = 0; sentAfterChange < 1; ) {
        const wasChanged = changed;
        const response = await login(username, password, index);
        if (response.statusCode === 200) tokens.push(response.json<{ access: string }>().access);
        started += 1;
        if (wasChanged) sentAfterChange += 1;
      }
    };
    const clients = Array.from({ length: CLIENTS }, (_, index) => client(index));
    while (started < CLIENTS * 3) await new Promise((resolve) => setImmediate(resolve));
    await change();
    changed = true;
    await Promise.all(clients);
    return tokens;
  }

  it("leaves a user deactivated whose logins were in flight, and every token refused", async () => {
    const { user, username } = await api.signUp("deactivated");

    const tokens = await loginsAround(username, PASSWORD, () => new DeactivateUser(api.operator).execute({ username }));

    expect(await api.database.users.findById(user.id)).toMatchObject({
      isActive: false,
      tokenVersion: user.tokenVersion + 1,
    });
    expect(tokens.length).toBeGreaterThan(0);
    for (const access of tokens) expect((await me(access)).statusCode).toBe(401);
    expect((await login(username, PASSWORD, 0)).statusCode).toBe(401);
  });

  it("keeps a new password set while logins with the old one were in flight, and every old token refused", async () => {
    const { user, username } = await api.signUp("new-password");

    const tokens = await loginsAround(username, PASSWORD, () =>
      new SetPassword(api.operator).execute({ username, password: NEW_PASSWORD }),
    );

    expect(await api.database.users.findById(user.id)).toMatchObject({ tokenVersion: user.tokenVersion + 1 });
    for (const access of tokens) expect((await me(access)).statusCode).toBe(401);
    expect((await login(username, PASSWORD, 0)).statusCode).toBe(401);
    expect((await login(username, NEW_PASSWORD, 0)).statusCode).toBe(200);
  });
});
