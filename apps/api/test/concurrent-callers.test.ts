import { CreateTask, ListAllTasks, OPERATOR } from "@tasks/domain";
import { type Database, openDatabase } from "@tasks/persistence";
import { describeOnEngines, openTestDatabase, type TestDatabase } from "@tasks/persistence/testing";
import { SystemClock, UuidV7IdGenerator } from "@tasks/platform";
import { postgresAvailability } from "@tasks/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type TestApi, type TestUser, testApiOn } from "./support/test-api.ts";

interface TaskBody {
  id: string;
  title: string;
}

const USERS = 3;
const CLIENTS = 8;
const REQUESTS_PER_CLIENT = 100;
const GUEST_ROUNDS = 40;

/** The `sub` claim of a JWT, read without checking it: the app checks tokens, this only says whose it is. */
function subjectOf(token: string): unknown {
  const payload = token.split(".")[1] ?? "";
  return (JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { sub?: unknown }).sub;
}

describeOnEngines(await postgresAvailability(), "many callers at once", (engine) => {
  let test: TestDatabase;
  let api: TestApi;
  let guest: Database;

  beforeAll(async () => {
    // On PGlite: a DATA_DIR whose owner (this process, as the server) shares it over its socket.
    test = await openTestDatabase(engine);
    api = await testApiOn(engine, test);
    // Another program on the same database, as taskctl is: on PGlite, a guest through the socket.
    // A busy test machine may keep a guest waiting for the shared session: this test is about answers, not delays.
    guest = await openDatabase({ ...test.options, connectTimeoutMs: 60_000, statementTimeoutMs: 60_000 });
  });
  afterAll(async () => {
    await guest?.close();
    await api?.close();
    await test?.close();
  });

  // Hundreds of requests: a loaded machine needs more than the default timeout.
  it("answers every request with the caller's own data while a guest reads and writes beside", {
    timeout: 120_000,
  }, async () => {
    const users: TestUser[] = [];
    for (let i = 0; i < USERS; i++) users.push(await api.signUp(`caller${i}`));
    const wrong: string[] = [];
    let answers = 0;
    const expectThat = (ok: boolean, what: string) => {
      answers += 1;
      if (!ok) wrong.push(what);
    };
    const ownedBy = (user: TestUser, title: string) => title.startsWith(`${user.username} `);

    const client = async (index: number) => {
      const user = users[index % USERS] as TestUser;
      let last: TaskBody | undefined;
      let auth = user.auth;
      for (let request = 0; request < REQUESTS_PER_CLIENT; request++) {
        const step = request % 5;
        if (step === 4 && index < USERS) {
          // A login runs in a transaction: its access token must name the caller. One client
          // of each user logs in, each from an address of its own, so the login throttle
          // never sees two attempts of one user or one address at once.
          const response = await api.app.inject({
            method: "POST",
            url: "/api/auth/login/",
            remoteAddress: `192.0.2.${index + 1}`,
            payload: { username: user.username, password: user.password },
          });
          const access = response.statusCode === 200 ? response.json<{ access: string }>().access : undefined;
          expectThat(
            access !== undefined && subjectOf(access) === user.user.id,
            `login of ${user.username}: ${response.statusCode} ${response.body}`,
          );
          if (access !== undefined) auth = { authorization: `Bearer ${access}` };
        } else if (step === 0 || step === 4) {
          const response = await api.app.inject({ method: "GET", url: "/api/auth/me/", headers: auth });
          const body = response.statusCode === 200 ? response.json<{ id: string; username: string }>() : undefined;
          expectThat(
            body?.id === user.user.id && body.username === user.username,
            `me of ${user.username}: ${response.statusCode} ${response.body}`,
          );
        } else if (step === 1) {
          const title = `${user.username} client ${index} request ${request}`;
          const response = await api.app.inject({
            method: "POST",
            url: "/api/tasks/",
            headers: auth,
            payload: { title },
          });
          last = response.statusCode === 201 ? response.json<TaskBody>() : undefined;
          expectThat(last?.title === title, `create by ${user.username}: ${response.statusCode} ${response.body}`);
        } else if (step === 2) {
          const response = await api.app.inject({ method: "GET", url: "/api/tasks/", headers: auth });
          const titles =
            response.statusCode === 200
              ? response.json<{ results: TaskBody[] }>().results.map((task) => task.title)
              : [];
          expectThat(
            response.statusCode === 200 && titles.length > 0 && titles.every((title) => ownedBy(user, title)),
            `list of ${user.username}: ${response.statusCode} ${titles.join(", ")}`,
          );
        } else {
          const id = last?.id ?? "no-task";
          const response = await api.app.inject({ method: "GET", url: `/api/tasks/${id}/`, headers: auth });
          const body = response.statusCode === 200 ? response.json<TaskBody>() : undefined;
          expectThat(
            body?.id === id && body.title === last?.title,
            `get by ${user.username}: ${response.statusCode} ${response.body}`,
          );
        }
      }
    };

    // What taskctl does for `tasks create --user` and `tasks list --user`, through the same use cases.
    const createTask = new CreateTask({ tasks: guest.tasks, clock: new SystemClock(), ids: new UuidV7IdGenerator() });
    const listTasks = new ListAllTasks({ tasks: guest.tasks, users: guest.users });
    const guestWork = async () => {
      for (let round = 0; round < GUEST_ROUNDS; round++) {
        const user = users[round % USERS] as TestUser;
        const title = `${user.username} guest ${round}`;
        const created = await createTask
          .execute({ actor: OPERATOR, ownerId: user.user.id, changes: { title } })
          .catch((error: Error) => error);
        expectThat(!(created instanceof Error) && created.title === title, `guest create: ${String(created)}`);
        const listed = await listTasks
          .execute({ actor: OPERATOR, username: user.username })
          .catch((error: Error) => error);
        expectThat(
          !(listed instanceof Error) &&
            listed.results.length > 0 &&
            listed.results.every((row) => row.ownerUsername === user.username && ownedBy(user, row.task.title)),
          `guest list of ${user.username}: ${listed instanceof Error ? listed.message : listed.results.map((row) => row.task.title).join(", ")}`,
        );
      }
    };

    await Promise.all([...Array.from({ length: CLIENTS }, (_, index) => client(index)), guestWork()]);
    expect({ answers, wrong: wrong.length, examples: wrong.slice(0, 3) }).toEqual({
      answers: CLIENTS * REQUESTS_PER_CLIENT + GUEST_ROUNDS * 2,
      wrong: 0,
      examples: [],
    });
  });
});
