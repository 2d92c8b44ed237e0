import { Writable } from "node:stream";
import type { Engine } from "@tasks/persistence";
import fc from "fast-check";
import type { LightMyRequestResponse } from "fastify";
import pino from "pino";
import { Compile } from "typebox/compile";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BodyInput,
  bodyInput,
  headerValue,
  hostileString,
  type JsonSchema,
  urlValue,
} from "./support/fuzz-inputs.ts";
import { MovableClock, openTestApi, PASSWORD, type TestApi, type TestUser } from "./support/test-api.ts";

// Property-based tests of every route the OpenAPI document publishes: generated path
// parameters, query strings, headers, bodies and credentials, valid and hostile. Whatever
// comes in: never a 5xx, every error is problem details, every success matches its
// documented schema, every answer carries the request id and the security headers, and
// a refused write changes nothing. `pnpm test` runs a bounded seeded run on PGlite;
// `pnpm fuzz` a longer one on PostgreSQL (FUZZ_RUNS cases per route, FUZZ_SEED,
// FUZZ_ENGINE). A case that fails once stays in fuzz-regressions.test.ts.

const ENGINE = (process.env.FUZZ_ENGINE ?? "pglite") as Engine;
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const SEED = process.env.FUZZ_SEED === undefined ? 20_261_127 : Number(process.env.FUZZ_SEED);
// Each route's run may take this long on a loaded machine before the test fails.
const ROUTE_TIMEOUT_MS = Math.max(60_000, RUNS * 400);

const LOGIN_FAILURE_WINDOW_MS = 15 * 60_000;
const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
};
const PROBLEM_MEMBERS = ["detail", "instance", "status", "title", "type"];
// Fuzzed requests come from here; the kit's own logins from elsewhere, so that the
// failed-login throttle the fuzzer sets off for its address never locks the kit out.
const FUZZ_ADDRESS = "198.51.100.7";
const KIT_ADDRESS = "203.0.113.9";

interface Operation {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  readonly path: string;
  readonly pathParams: readonly string[];
  readonly query: readonly { name: string; schema: JsonSchema }[];
  readonly body: JsonSchema | undefined;
  readonly responses: Readonly<Record<string, { content?: Record<string, { schema: JsonSchema }> }>>;
}

type Credential =
  | { kind: "none" }
  | {
      kind: "token";
      form:
        | "valid"
        | "lowercase scheme"
        | "refresh as access"
        | "flipped signature"
        | "alg none"
        | "junk"
        | "empty"
        | "basic";
    }
  | { kind: "cookie"; csrf: "matching" | "missing" | "wrong" }
  | { kind: "token and cookie" }
  | { kind: "forged cookie"; sessionid: string; csrftoken: string };

type PathValue =
  | { kind: "own task"; index: number }
  | { kind: "other user's task" }
  | { kind: "own login"; index: number }
  | { kind: "text"; value: string };

interface Case {
  readonly credential: Credential;
  readonly pathValues: readonly PathValue[];
  readonly query: readonly (readonly [string, string])[];
  readonly headers: Readonly<Record<string, string>>;
  readonly body: BodyInput | null;
}

interface Credentials {
  access: string;
  refresh: string;
  cookies: { sessionid: string; csrftoken: string };
}

/**
 * The document with every `$ref` to a named component replaced by the component itself, so
 * that each request and response schema stands alone for generating and checking.
 */
function withRefsResolved<T extends object>(document: T): T {
  const schemas = (document as { components?: { schemas?: Record<string, unknown> } }).components?.schemas ?? {};
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== "object") return value;
    const { $ref, ...rest } = value as { $ref?: unknown };
    if (typeof $ref === "string" && $ref.startsWith("#/components/schemas/"))
      return {
        ...(resolve(schemas[$ref.slice("#/components/schemas/".length)]) as object),
        ...(resolve(rest) as object),
      };
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, resolve(inner)]));
  };
  return resolve(document) as T;
}

function operationsOf(document: {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { in: string; name: string; schema: JsonSchema }[];
        requestBody?: { content: Record<string, { schema: JsonSchema }> };
        responses: Operation["responses"];
      }
    >
  >;
}): Operation[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase() as Operation["method"],
      path,
      pathParams: (operation.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name),
      query: (operation.parameters ?? []).filter((p) => p.in === "query").map(({ name, schema }) => ({ name, schema })),
      body: operation.requestBody?.content["application/json"]?.schema,
      responses: operation.responses,
    })),
  );
}

const credential: fc.Arbitrary<Credential> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<Credential>({ kind: "none" }) },
  { weight: 6, arbitrary: fc.constant<Credential>({ kind: "token", form: "valid" }) },
  {
    weight: 3,
    arbitrary: fc
      .constantFrom(
        "lowercase scheme",
        "refresh as access",
        "flipped signature",
        "alg none",
        "junk",
        "empty",
        "basic" as const,
      )
      .map((form): Credential => ({ kind: "token", form })),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom("missing", "wrong" as const).map((csrf): Credential => ({ kind: "cookie", csrf })),
  },
  { weight: 3, arbitrary: fc.constant<Credential>({ kind: "cookie", csrf: "matching" }) },
  { weight: 1, arbitrary: fc.constant<Credential>({ kind: "token and cookie" }) },
  {
    weight: 2,
    // Cookie values are percent-decoded by @fastify/cookie: any text can arrive this way.
    arbitrary: fc
      .tuple(urlValue(undefined), urlValue(undefined))
      .map(([sessionid, csrftoken]): Credential => ({ kind: "forged cookie", sessionid, csrftoken })),
  },
);

function caseOf(operation: Operation): fc.Arbitrary<Case> {
  const pathValue: fc.Arbitrary<PathValue> = fc.oneof(
    { weight: 3, arbitrary: fc.nat(20).map((index): PathValue => ({ kind: "own task", index })) },
    { weight: 1, arbitrary: fc.constant<PathValue>({ kind: "other user's task" }) },
    { weight: 2, arbitrary: fc.nat(20).map((index): PathValue => ({ kind: "own login", index })) },
    { weight: 4, arbitrary: urlValue(undefined).map((value): PathValue => ({ kind: "text", value })) },
  );
  const known = operation.query.map(({ name, schema }) =>
    fc.option(
      urlValue(schema, ["-created_at", "status,-updated_at", "todo,doing", "title", "-id"]).map(
        (value) => [name, value] as const,
      ),
      { freq: 2 },
    ),
  );
  const query = fc
    .tuple(
      fc.tuple(...known),
      fc.array(
        fc.tuple(
          fc.oneof(fc.constantFrom(...operation.query.map((q) => q.name), "page", "x"), hostileString),
          urlValue(undefined),
        ),
        { maxLength: 2 },
      ),
    )
    .map(([declared, extra]) => [
      ...declared.filter((pair) => pair !== null),
      ...extra.map(([name, value]) => [encodeName(name), value] as const),
    ]);
  const headers = fc.record(
    {
      "user-agent": headerValue,
      "x-request-id": headerValue,
      origin: fc.constantFrom("http://evil.example", "http://localhost:5173", "null", "http://localhost"),
      accept: fc.constantFrom("application/json", "text/html", "*/*", "application/xml"),
      "accept-encoding": fc.constantFrom("gzip", "identity", "br;q=1"),
    },
    { requiredKeys: [] },
  );
  const hasBody = operation.method !== "GET" && operation.method !== "DELETE";
  return fc.record({
    credential,
    pathValues: fc.tuple(...operation.pathParams.map(() => pathValue)),
    query,
    headers,
    body: hasBody ? bodyInput(operation.body) : fc.option(bodyInput(undefined), { freq: 8 }),
  });
}

function encodeName(name: string): string {
  return [...Buffer.from(name, "utf8")].map((byte) => `%${byte.toString(16).padStart(2, "0")}`).join("");
}

const clock = new MovableClock();
// A failure's log line, to name the cause of a 5xx in the test's message.
const serverErrors: string[] = [];
const logger = pino(
  { level: "error" },
  new Writable({
    write(chunk, _encoding, callback) {
      const line = JSON.parse(String(chunk)) as { err?: { message?: string; stack?: string } };
      serverErrors.push(line.err?.stack ?? line.err?.message ?? String(chunk));
      callback();
    },
  }),
);
const api: TestApi = await openTestApi(ENGINE, {
  clock,
  logger,
  config: { registrationOpen: true, loginMaxFailures: 20, loginFailureWindowSeconds: LOGIN_FAILURE_WINDOW_MS / 1000 },
});
// The routes come from the document the server publishes, read before the tests are declared.
const operations = operationsOf(
  withRefsResolved(
    (await api.app.inject({ method: "GET", url: "/api/openapi.json" })).json<Parameters<typeof operationsOf>[0]>(),
  ),
);

describe(`fuzzing every route of the OpenAPI document (${ENGINE}, ${RUNS} cases per route, seed ${SEED})`, () => {
  let alice: TestUser;
  let password = PASSWORD;
  let credentials: Credentials;
  let otherTaskId: string;
  let bob: TestUser;
  const statusesSeen = new Map<Operation, Set<number>>();
  const validators = new Map<string, ReturnType<typeof Compile>>();

  async function kitLogIn(): Promise<Credentials> {
    for (;;) {
      const tokens = await api.app.inject({
        method: "POST",
        url: "/api/auth/login/",
        remoteAddress: KIT_ADDRESS,
        payload: { username: alice.username, password },
      });
      if (tokens.statusCode === 429) {
        clock.advance(LOGIN_FAILURE_WINDOW_MS + 60_000);
        continue;
      }
      expect(tokens.statusCode, tokens.body).toBe(200);
      const csrf = await api.app.inject({ method: "GET", url: "/api/auth/csrf/", remoteAddress: KIT_ADDRESS });
      const csrftoken = csrf.cookies.find((c) => c.name === "csrftoken")?.value as string;
      const session = await api.app.inject({
        method: "POST",
        url: "/api/auth/session/",
        remoteAddress: KIT_ADDRESS,
        cookies: { csrftoken },
        headers: { "x-csrftoken": csrftoken },
        payload: { username: alice.username, password },
      });
      expect(session.statusCode, session.body).toBe(200);
      const sessionid = session.cookies.find((c) => c.name === "sessionid")?.value as string;
      const { access, refresh } = tokens.json<{ access: string; refresh: string }>();
      return {
        access,
        refresh,
        cookies: { sessionid, csrftoken: session.cookies.find((c) => c.name === "csrftoken")?.value ?? csrftoken },
      };
    }
  }

  /** Every user's tasks, as they are stored. */
  async function allTasks(): Promise<string> {
    const { items: tasks } = await api.database.tasks.list({}, { page: 1, pageSize: 1_000_000 });
    return JSON.stringify(
      tasks.map((task) => [task.ownerId, task.id, task.title, task.description, task.status, task.updatedAt.getTime()]),
    );
  }

  beforeAll(async () => {
    alice = await api.signUp("alice");
    bob = await api.signUp("bob");
    const created = await api.app.inject({
      method: "POST",
      url: "/api/tasks/",
      headers: bob.auth,
      payload: { title: "bob's" },
    });
    otherTaskId = created.json<{ id: string }>().id;
    for (const title of ["one", "two", "three"])
      await api.app.inject({ method: "POST", url: "/api/tasks/", headers: alice.auth, payload: { title } });
    credentials = await kitLogIn();
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  function authHeaders(credential: Credential): { headers: Record<string, string>; cookies: Record<string, string> } {
    const { access, refresh, cookies } = credentials;
    const [header = "", payload = "", signature = ""] = access.split(".");
    switch (credential.kind) {
      case "none":
        return { headers: {}, cookies: {} };
      case "token": {
        const forms = {
          valid: `Bearer ${access}`,
          "lowercase scheme": `bearer ${access}`,
          "refresh as access": `Bearer ${refresh}`,
          "flipped signature": `Bearer ${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith("AA") ? "BB" : "AA"}`,
          "alg none": `Bearer ${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${payload}.`,
          junk: "Bearer \u00ff\u00fe.not.a.token",
          empty: "Bearer ",
          basic: `Basic ${Buffer.from(`${alice.username}:${password}`).toString("base64")}`,
        };
        return { headers: { authorization: forms[credential.form] }, cookies: {} };
      }
      case "cookie": {
        const csrf = { matching: cookies.csrftoken, missing: undefined, wrong: `${cookies.csrftoken.slice(1)}x` }[
          credential.csrf
        ];
        return { headers: csrf === undefined ? {} : { "x-csrftoken": csrf }, cookies };
      }
      case "forged cookie":
        return {
          headers: {
            "x-csrftoken": credential.csrftoken,
            cookie: `sessionid=${credential.sessionid}; csrftoken=${credential.csrftoken}`,
          },
          cookies: {},
        };
      case "token and cookie":
        return { headers: { authorization: `Bearer ${access}`, "x-csrftoken": cookies.csrftoken }, cookies };
    }
  }

  async function pathOf(operation: Operation, values: readonly PathValue[]): Promise<string> {
    let path = operation.path;
    for (const [index, name] of operation.pathParams.entries()) {
      const value = values[index] as PathValue;
      let segment: string;
      if (value.kind === "text") segment = value.value;
      else if (value.kind === "other user's task") segment = otherTaskId;
      else if (value.kind === "own login") {
        const logins = await api.app.inject({
          method: "GET",
          url: "/api/auth/sessions/",
          remoteAddress: KIT_ADDRESS,
          headers: { authorization: `Bearer ${credentials.access}` },
        });
        const ids = logins.json<{ results: { id: string }[] }>().results.map((login) => login.id);
        segment = ids[value.index % ids.length] as string;
      } else {
        const { items: own } = await api.database.tasks.list(
          { ownerId: alice.user.id },
          { page: 1, pageSize: 1_000_000 },
        );
        segment =
          own.length === 0 ? "0196f0e4-0000-7000-8000-000000000000" : (own[value.index % own.length]?.id as string);
      }
      path = path.replace(`{${name}}`, segment);
    }
    return path;
  }

  function expectAnswerShape(operation: Operation, response: LightMyRequestResponse): void {
    const context = `${response.statusCode} ${response.body.slice(0, 500)}`;
    if (response.statusCode >= 500) expect.fail(`${context}\n${serverErrors.at(-1)?.slice(0, 1500)}`);
    expect(response.headers["x-request-id"], context).toMatch(/^[\w.:-]{1,128}$/);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(response.headers[name], name).toBe(value);
    if (response.statusCode >= 400) {
      expect(response.headers["content-type"], context).toBe("application/problem+json; charset=utf-8");
      const problem = response.json<Record<string, unknown>>();
      const members = Object.keys(problem).sort();
      expect(members, context).toEqual(
        problem.errors === undefined ? PROBLEM_MEMBERS : [...PROBLEM_MEMBERS, "errors"].sort(),
      );
      expect(problem.status, context).toBe(response.statusCode);
      expect(typeof problem.type === "string" && typeof problem.title === "string", context).toBe(true);
      expect(typeof problem.detail === "string" && problem.detail.length > 0, context).toBe(true);
      expect(typeof problem.instance === "string" && problem.instance.startsWith("/"), context).toBe(true);
      if (problem.errors !== undefined) {
        expect(response.statusCode, context).toBe(400);
        for (const messages of Object.values(problem.errors as Record<string, unknown>))
          expect(Array.isArray(messages) && messages.every((m) => typeof m === "string"), context).toBe(true);
      }
      return;
    }
    const documented = operation.responses[String(response.statusCode)];
    expect(documented, `undocumented ${context}`).toBeDefined();
    if (response.statusCode === 204) {
      expect(response.body, context).toBe("");
      return;
    }
    const schema = documented?.content?.["application/json"]?.schema;
    expect(schema, context).toBeDefined();
    const key = `${operation.method} ${operation.path} ${response.statusCode}`;
    let validator = validators.get(key);
    if (validator === undefined) {
      validator = Compile(schema as never);
      validators.set(key, validator);
    }
    const body: unknown = response.json();
    expect(validator.Check(body), `${context}: ${JSON.stringify([...validator.Errors(body)].slice(0, 3))}`).toBe(true);
  }

  function withKnownValues(payload: string | Buffer): string | Buffer {
    if (typeof payload !== "string") return payload;
    const known = { ...credentials, username: alice.username, password };
    return payload.replace(/"@@(access|refresh|username|password)@@"/g, (_, name: keyof typeof known) =>
      JSON.stringify(known[name]),
    );
  }

  async function run(operation: Operation, input: Case): Promise<void> {
    const auth = authHeaders(input.credential);
    const path = await pathOf(operation, input.pathValues);
    const query = input.query.map(([name, value]) => `${name}=${value}`).join("&");
    const headers: Record<string, string> = { ...input.headers, ...auth.headers };
    if (input.body?.contentType) headers["content-type"] = input.body.contentType;
    const isWrite = operation.method !== "GET";
    const before = isWrite ? await allTasks() : "";
    const payload = withKnownValues(input.body?.payload ?? "");
    const response = await api.app.inject({
      method: operation.method,
      url: query === "" ? path : `${path}?${query}`,
      remoteAddress: FUZZ_ADDRESS,
      headers,
      cookies: auth.cookies,
      ...(payload === "" ? {} : { payload }),
    });
    expectAnswerShape(operation, response);
    const statuses = statusesSeen.get(operation) ?? new Set<number>();
    statusesSeen.set(operation, statuses.add(response.statusCode));
    if (isWrite && response.statusCode >= 400)
      expect(await allTasks(), `${response.statusCode} ${response.body}`).toBe(before);
    if (isWrite && response.statusCode === 204 && operation.path === "/api/auth/password/")
      password = JSON.parse(String(payload)).new_password;
    // The fuzzer's wrong passwords set off the throttle: let its window pass, so that
    // the next cases can get past it again.
    if (response.statusCode === 429) clock.advance(LOGIN_FAILURE_WINDOW_MS + 60_000);
    // A write to the auth routes may have ended the kit's login (logout, rotation, reuse,
    // revocation), and a moved clock has expired its tokens.
    if (response.statusCode === 429 || (isWrite && !operation.path.startsWith("/api/tasks/")))
      credentials = await kitLogIn();
  }

  it("finds every route in the document", () => {
    expect(operations.map((operation) => `${operation.method} ${operation.path}`)).toEqual(
      expect.arrayContaining(["POST /api/auth/login/", "POST /api/auth/register/", "PATCH /api/tasks/{id}/"]),
    );
  });

  for (const [index, operation] of operations.entries())
    it(
      `${operation.method} ${operation.path}`,
      async () => {
        await fc.assert(
          fc.asyncProperty(caseOf(operation), (input) => run(operation, input)),
          { numRuns: RUNS, seed: SEED + index, endOnFailure: true },
        );
        // A run that never got past the guard or the validation would prove little.
        const statuses = [...(statusesSeen.get(operation) ?? [])].sort();
        expect(
          statuses.some((status) => status < 300),
          `statuses: ${statuses.join(", ")}`,
        ).toBe(true);
      },
      ROUTE_TIMEOUT_MS,
    );
});
