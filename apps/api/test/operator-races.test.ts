import { type CreateTask, DeactivateUser, DeleteUser, SetPassword } from "@tasks/domain";
import { describeOnEngines } from "@tasks/persistence/testing";
import { postgresAvailability } from "@tasks/testing";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, expect, it } from "vitest";
import { browserSession } from "./support/browser-session.ts";
import { openTestApi, PASSWORD, type TestApi, testApiOn } from "./support/test-api.ts";

const NEW_PASSWORD = "a brand new pass phrase";
// Logins of one user that may be checked at once (LogIn's in-flight cap): every one of them races.
const CLIENTS = 2;

/**
 * An operator's change (taskctl users deactivate / set-password / delete) made while correct
 * logins, and task creations, of that user stream in: no request in flight may write back
 * what it read before the change, nor fail for finding the user gone.
 */
describeOnEngines(await postgresAvailability(), "an operator's change racing the user's requests", (engine) => {
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
   * sent one more login after that; answers the access tokens they got and every login's outcome.
   */
  async function loginsAround(username: string, password: string, change: () => Promise<unknown>) {
    const tokens: string[] = [];
    const outcomes: string[] = [];
    let changed = false;
    let started = 0;
    const client = async (index: number) => {
      for (let sentAfterChange = 0; sentAfterChange < 1; ) {
        const wasChanged = changed;
        const response = await login(username, password, index);
        outcomes.push(outcome(response));
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
    return { tokens, outcomes };
  }

  /** The status, and for a refusal its problem type: "401 urn:tasks:problem:invalid-credentials". */
  function outcome(response: LightMyRequestResponse): string {
    return response.statusCode < 300
      ? String(response.statusCode)
      : `${response.statusCode} ${response.json<{ type: string }>().type}`;
  }
  const REFUSED_LOGIN = "401 urn:tasks:problem:invalid-credentials";

  it("leaves a user deactivated whose logins were in flight, and every token refused", async () => {
    const { user, username } = await api.signUp("deactivated");

    const { tokens, outcomes } = await loginsAround(username, PASSWORD, () =>
      new DeactivateUser(api.operator).execute({ username }),
    );

    expect(await api.database.users.findById(user.id)).toMatchObject({
      isActive: false,
      tokenVersion: user.tokenVersion + 1,
    });
    expect(tokens.length).toBeGreaterThan(0);
    expect(outcomes.filter((each) => each !== "200" && each !== REFUSED_LOGIN)).toEqual([]);
    for (const access of tokens) expect((await me(access)).statusCode).toBe(401);
    expect((await login(username, PASSWORD, 0)).statusCode).toBe(401);
  });

  it("keeps a new password set while logins with the old one were in flight, and every old token refused", async () => {
    const { user, username } = await api.signUp("new-password");

    const { tokens, outcomes } = await loginsAround(username, PASSWORD, () =>
      new SetPassword(api.operator).execute({ username, password: NEW_PASSWORD }),
    );

    expect(await api.database.users.findById(user.id)).toMatchObject({ tokenVersion: user.tokenVersion + 1 });
    expect(outcomes.filter((each) => each !== "200" && each !== REFUSED_LOGIN)).toEqual([]);
    for (const access of tokens) expect((await me(access)).statusCode).toBe(401);
    expect((await login(username, PASSWORD, 0)).statusCode).toBe(401);
    expect((await login(username, NEW_PASSWORD, 0)).statusCode).toBe(200);
  });

  it("deletes a user whose logins and task creations were in flight: each refused or done, none failed, nothing left", async () => {
    const { user, username, auth } = await api.signUp("deleted");
    const create = (index: number) =>
      api.app.inject({ method: "POST", url: "/api/tasks/", headers: auth, payload: { title: `Racing ${index}` } });
    const creations: string[] = [];
    let deleted = false;
    const creator = async () => {
      for (let sentAfterDelete = 0; sentAfterDelete < 1; ) {
        const wasDeleted = deleted;
        creations.push(outcome(await create(creations.length)));
        if (wasDeleted) sentAfterDelete += 1;
      }
    };
    const creators = Array.from({ length: 4 }, creator);
    const { tokens, outcomes } = await loginsAround(username, PASSWORD, async () => {
      await new DeleteUser(api.operator).execute({ username });
      deleted = true;
    });
    await Promise.all(creators);

    // A login or a creation that read the user before the deletion and wrote after it finds
    // the user gone: it is refused, a login as one arriving after the deletion is, not failed.
    expect(outcomes.filter((each) => each !== "200" && each !== REFUSED_LOGIN)).toEqual([]);
    for (const access of tokens) expect((await me(access)).statusCode).toBe(401);
    const refusedCreations = ["401 urn:tasks:problem:invalid-token", "401 urn:tasks:problem:user-gone"];
    expect(creations).toContain("201");
    expect(creations.filter((each) => each !== "201" && !refusedCreations.includes(each))).toEqual([]);
    expect(creations.at(-1)).toBe("401 urn:tasks:problem:invalid-token");
    expect(await api.database.users.findById(user.id)).toBeNull();
  });

  it.each([
    ["a bearer token", 'Bearer realm="api", error="invalid_token"'],
    ["a session cookie", 'Bearer realm="api"'],
  ])(
    "answers a task creation whose caller (%s) is deleted after the guard read them with 401 user-gone",
    async (credential, challenge) => {
      let callerId = "";
      const deleting = await testApiOn(engine, api.testDatabase, {
        adjust: (deps) => {
          const createTask = deps.useCases.createTask;
          const deletingFirst = {
            execute: async (input) => {
              await api.database.users.delete(callerId);
              return createTask.execute(input);
            },
          } satisfies Pick<CreateTask, "execute">;
          return { ...deps, useCases: { ...deps.useCases, createTask: deletingFirst as CreateTask } };
        },
      });
      try {
        const { user, username, auth } = await deleting.signUp("deleted-midway");
        const sent = credential === "a bearer token" ? { headers: auth } : await browserSession(deleting, username);
        callerId = user.id;

        const response = await deleting.app.inject({
          method: "POST",
          url: "/api/tasks/",
          ...sent,
          payload: { title: "Too late" },
        });

        expect(response.statusCode).toBe(401);
        expect(response.json()).toMatchObject({ type: "urn:tasks:problem:user-gone", status: 401 });
        expect(response.headers["www-authenticate"]).toBe(challenge);
        expect(await api.database.users.findById(user.id)).toBeNull();
      } finally {
        await deleting.close();
      }
    },
  );
});
