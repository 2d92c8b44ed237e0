import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, expectValidationProblem } from "./support/http.ts";
import { openTestApi, type TestApi, type TestUser } from "./support/test-api.ts";

// Cases test/fuzz.test.ts found once, kept as plain tests: each answered a 5xx or broke
// the contract before its fix.
describe("inputs the fuzzer found", () => {
  let api: TestApi;
  let alice: TestUser;
  let taskId: string;

  beforeAll(async () => {
    api = await openTestApi("pglite", { config: { registrationOpen: true } });
    alice = await api.signUp("alice");
    const created = await api.app.inject({
      method: "POST",
      url: "/api/tasks/",
      headers: alice.auth,
      payload: { title: "kept" },
    });
    taskId = created.json<{ id: string }>().id;
  });

  const tasksOf = async () =>
    (await api.database.tasks.list({ ownerId: alice.user.id }, { page: 1, pageSize: 1_000_000 })).items;
  afterAll(async () => {
    await api?.close();
  });

  const send = (method: "POST" | "PATCH" | "PUT", url: string, payload: string) =>
    api.app.inject({ method, url, headers: { ...alice.auth, "content-type": "application/json" }, payload });

  it("refuses a status nested 5000 lists deep with 400, naming the list by its kind (was 500: the message's String() overflowed the stack)", async () => {
    const deep = `${"[".repeat(5000)}${"]".repeat(5000)}`;
    for (const [method, url] of [
      ["PATCH", `/api/tasks/${taskId}/`],
      ["POST", "/api/tasks/"],
    ] as const) {
      const errors = expectValidationProblem(await send(method, url, `{"title":"x","status":${deep}}`), ["status"]);
      expect(errors.status).toEqual(['"[...]" is not a valid choice. Choose among: todo, doing, done.']);
    }
    const errors = expectValidationProblem(await send("PATCH", `/api/tasks/${taskId}/`, '{"status":{"a":1}}'), [
      "status",
    ]);
    expect(errors.status).toEqual(['"{...}" is not a valid choice. Choose among: todo, doing, done.']);
  });

  it("refuses members named constructor, __proto__ or toString with 400 naming them (was 500: the error table was a plain object)", async () => {
    for (const name of ["constructor", "toString", "hasOwnProperty"]) {
      const errors = expectValidationProblem(await send("POST", "/api/tasks/", `{"title":"x","${name}":1}`), [name]);
      expect(errors[name]).toEqual(["Unknown field: it cannot be written."]);
    }
    const response = await api.app.inject({
      method: "POST",
      url: "/api/auth/register/",
      headers: { "content-type": "application/json" },
      payload: '{"username":"carol","password":"a long enough passphrase","constructor":{}}',
    });
    expect(response.statusCode).not.toBe(500);
    expect((await tasksOf()).length).toBe(1);
  });

  it("answers a page number past any offset storage can address with 404 Invalid page (was 500: bigint out of range)", async () => {
    for (const page of ["184467440737095500000", "9007199254740993"]) {
      const response = await api.app.inject({ method: "GET", url: `/api/tasks/?page=${page}`, headers: alice.auth });
      expect(expectProblem(response, 404).detail).toBe("Invalid page.");
    }
    const huge = await api.app.inject({
      method: "GET",
      url: "/api/tasks/?page_size=184467440737095500000",
      headers: alice.auth,
    });
    expect(huge.statusCode, huge.body).toBe(200);
  });

  it("refuses a NUL or a lone surrogate in a title or a description with 400, and stores nothing (was 500 from PostgreSQL for NUL)", async () => {
    for (const [field, value, message] of [
      ["title", "a\u0000b", "Null characters are not allowed."],
      ["description", "\u0000", "Null characters are not allowed."],
      ["title", "x\udfffy", "Enter valid Unicode text: this contains a lone surrogate."],
      ["description", "\ud83d", "Enter valid Unicode text: this contains a lone surrogate."],
    ] as const) {
      const body = JSON.stringify(field === "title" ? { title: value } : { title: "ok", description: value });
      for (const [method, url] of [
        ["POST", "/api/tasks/"],
        ["PUT", `/api/tasks/${taskId}/`],
        ["PATCH", `/api/tasks/${taskId}/`],
      ] as const)
        expect(expectValidationProblem(await send(method, url, body), [field])[field]).toEqual([message]);
    }
    const ok = await send("PATCH", `/api/tasks/${taskId}/`, JSON.stringify({ description: "\ud83d\ude00 paired" }));
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json<{ description: string }>().description).toBe("\u{1f600} paired");
    expect((await tasksOf()).map((task) => task.title)).toEqual(["kept"]);
  });

  it("answers a login whose username no user can have (NUL, lone surrogate) with the one 401 (was 500 from PostgreSQL)", async () => {
    for (const username of ["a\u0000b", "\udc00", "\u0000"]) {
      const response = await api.app.inject({
        method: "POST",
        url: "/api/auth/login/",
        headers: { "content-type": "application/json" },
        payload: JSON.stringify({ username, password: "whatever it is" }),
      });
      expect(expectProblem(response, 401).type).toBe("urn:tasks:problem:invalid-credentials");
    }
  });

  it("refuses an email with a NUL at sign-up with 400 (was 500 from PostgreSQL)", async () => {
    const response = await api.app.inject({
      method: "POST",
      url: "/api/auth/register/",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ username: "dave", password: "a long enough passphrase", email: "d\u0000@example.com" }),
    });
    expect(expectValidationProblem(response, ["email"]).email).toEqual(["Enter a valid email address."]);
  });

  it("refuses an OPTIONS request that is not a CORS preflight with 400 problem details (was a text/plain 400 from @fastify/cors)", async () => {
    for (const headers of [{}, { origin: "http://localhost:5173" }, { "access-control-request-method": "POST" }]) {
      const response = await api.app.inject({ method: "OPTIONS", url: "/api/auth/sessions/x/", headers });
      expect(expectProblem(response, 400).type).toBe("urn:tasks:problem:invalid-preflight");
      expect(response.headers["x-content-type-options"]).toBe("nosniff");
    }
    const preflight = await api.app.inject({
      method: "OPTIONS",
      url: "/api/tasks/",
      headers: { origin: "http://localhost:5173", "access-control-request-method": "POST" },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe("http://localhost:5173");
  });

  it("refuses a JSON body that is not UTF-8 with 400, and stores nothing (was stored with U+FFFD in place of the bytes)", async () => {
    for (const bytes of [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82]]) {
      const response = await api.app.inject({
        method: "POST",
        url: "/api/tasks/",
        headers: { ...alice.auth, "content-type": "application/json" },
        payload: Buffer.concat([Buffer.from('{"title":"'), Buffer.from(bytes), Buffer.from('"}')]),
      });
      const problem = expectProblem(response, 400);
      expect(problem).toMatchObject({
        type: "urn:tasks:problem:invalid-utf8-body",
        detail: "The request body is not valid UTF-8.",
      });
    }
    const accented = await send("POST", "/api/tasks/", '{"title":"caf\u00e9 \ud83d\ude00"}');
    expect(accented.json<{ title: string }>().title).toBe("café 😀");
    await api.app.inject({
      method: "DELETE",
      url: `/api/tasks/${accented.json<{ id: string }>().id}/`,
      headers: alice.auth,
    });
    expect((await tasksOf()).map((task) => task.title)).toEqual(["kept"]);
  });
});
