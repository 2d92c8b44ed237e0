import type { TaskRepository } from "@tasks/domain";
import { FakeClock } from "@tasks/domain/testing";
import type { Database } from "@tasks/persistence";
import { openTestDatabase, type TestDatabase } from "@tasks/persistence/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, expectValidationProblem } from "./support/http.ts";
import { openTestApi, type TestApi, type TestUser, testApiOn } from "./support/test-api.ts";

interface TaskBody {
  id: string;
  title: string;
  description: string;
  status: string;
  created_at: string;
  updated_at: string;
}

const ISO_UTC_MILLISECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe("tasks", () => {
  // Starts at the wall time: the tokens it stamps must also pass checks made against the wall clock.
  const clock = new FakeClock(new Date());
  let api: TestApi;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    api = await openTestApi("pglite", { clock });
    alice = await api.signUp("alice");
    bob = await api.signUp("bob");
  });
  afterAll(async () => {
    await api?.close();
  });

  const create = async (user: TestUser, payload: unknown) =>
    api.app.inject({ method: "POST", url: "/api/tasks/", headers: user.auth, payload: payload as object });
  const createTask = async (user: TestUser, payload: Record<string, unknown> = { title: "A task" }) => {
    const response = await create(user, payload);
    expect(response.statusCode, response.body).toBe(201);
    return response.json<TaskBody>();
  };
  const get = (user: TestUser, id: string) =>
    api.app.inject({ method: "GET", url: `/api/tasks/${id}/`, headers: user.auth });

  describe("POST /api/tasks/", () => {
    it("creates a task with defaults, answering 201 with Location and the task", async () => {
      const response = await create(alice, { title: "  Buy milk  " });
      expect(response.statusCode).toBe(201);
      expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
      const task = response.json<TaskBody>();
      expect(response.headers.location).toBe(`/api/tasks/${task.id}/`);
      expect(Object.keys(task).sort()).toEqual(["created_at", "description", "id", "status", "title", "updated_at"]);
      expect(task).toMatchObject({ title: "Buy milk", description: "", status: "todo" });
      expect(task.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(task.created_at).toMatch(ISO_UTC_MILLISECONDS);
      expect(task.updated_at).toBe(task.created_at);
      expect((await get(alice, task.id)).json()).toEqual(task);
    });

    it("accepts the path without its trailing slash", async () => {
      const response = await api.app.inject({
        method: "POST",
        url: "/api/tasks",
        headers: alice.auth,
        payload: { title: "No slash", status: "doing", description: "d" },
      });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({ title: "No slash", status: "doing", description: "d" });
    });

    it("refuses a missing title with a per-field message", async () => {
      const errors = expectValidationProblem(await create(alice, { description: "x" }), ["title"]);
      expect(errors.title).toEqual(["This field is required."]);
    });

    it("refuses a blank title, an unknown status and a null description, all at once", async () => {
      const title = expectValidationProblem(await create(alice, { title: "   " }), ["title"]);
      expect(title.title).toEqual(["This field may not be blank."]);
      const errors = expectValidationProblem(await create(alice, { title: "x", status: "later", description: null }), [
        "status",
        "description",
      ]);
      expect(errors.status).toEqual(['"later" is not a valid choice. Choose among: todo, doing, done.']);
      expect(errors.description).toEqual(["This field may not be null."]);
    });

    it("refuses a title over 200 characters after trimming, and accepts exactly 200", async () => {
      const errors = expectValidationProblem(await create(alice, { title: "x".repeat(201) }), ["title"]);
      expect(errors.title).toEqual(["Ensure this field has no more than 200 characters."]);
      await createTask(alice, { title: ` ${"y".repeat(200)} ` });
    });

    it("refuses a description over 10,000 characters", async () => {
      expectValidationProblem(await create(alice, { title: "x", description: "d".repeat(10_001) }), ["description"]);
    });

    it("refuses a title that is not a string instead of converting it", async () => {
      const errors = expectValidationProblem(await create(alice, { title: 5 }), ["title"]);
      expect(errors.title).toEqual(["Not a valid string."]);
    });

    it("refuses a body that is not an object", async () => {
      const errors = expectValidationProblem(await create(alice, [{ title: "x" }]), ["non_field_errors"]);
      expect(errors.non_field_errors).toEqual(["Invalid data. Expected a dictionary, but got list."]);
    });

    it("refuses user and owner (mass assignment), naming them, and writes nothing", async () => {
      const before = await api.app.inject({ method: "GET", url: "/api/tasks/", headers: bob.auth });
      const response = await create(alice, { title: "Mine", user: bob.user.id, owner: bob.user.id });
      const body = expectValidationProblem(response, ["owner", "user"]);
      expect(body.owner?.[0]).toMatch(/unknown field/i);
      expect(response.json().detail).toMatch(/owner/);
      const after = await api.app.inject({ method: "GET", url: "/api/tasks/", headers: bob.auth });
      expect(after.json().count).toBe(before.json().count);
    });

    it("ignores id, created_at and updated_at", async () => {
      const task = await createTask(alice, {
        title: "Read-only",
        id: "00000000-0000-0000-0000-000000000000",
        created_at: "2000-01-01T00:00:00.000Z",
        updated_at: "2000-01-01T00:00:00.000Z",
      });
      expect(task.id).not.toBe("00000000-0000-0000-0000-000000000000");
      expect(task.created_at).not.toBe("2000-01-01T00:00:00.000Z");
      expect(task.updated_at).toBe(task.created_at);
    });
  });

  describe("GET /api/tasks/<id>/", () => {
    it("answers the caller's task, with and without the trailing slash", async () => {
      const task = await createTask(alice, { title: "Mine", description: "details", status: "done" });
      expect((await get(alice, task.id)).json()).toEqual(task);
      const noSlash = await api.app.inject({ method: "GET", url: `/api/tasks/${task.id}`, headers: alice.auth });
      expect(noSlash.statusCode).toBe(200);
      expect(noSlash.json()).toEqual(task);
    });

    it("answers 404 for a missing task and for a malformed id", async () => {
      const missing = expectProblem(await get(alice, "01a20cfd-6171-76ea-9666-5fa7e4fa0fa0"), 404);
      expect(missing.detail).toBe("No task matches the given query.");
      expectProblem(await get(alice, "not-a-uuid"), 404);
    });
  });

  describe("PATCH /api/tasks/<id>/", () => {
    it("changes only the given fields; updated_at moves and created_at does not", async () => {
      const task = await createTask(alice, { title: "Before", description: "keep me" });
      clock.advance(1_000);
      const response = await api.app.inject({
        method: "PATCH",
        url: `/api/tasks/${task.id}/`,
        headers: alice.auth,
        payload: { status: "doing", created_at: "2000-01-01T00:00:00.000Z" },
      });
      expect(response.statusCode).toBe(200);
      const patched = response.json<TaskBody>();
      expect(patched).toMatchObject({ id: task.id, title: "Before", description: "keep me", status: "doing" });
      expect(patched.created_at).toBe(task.created_at);
      expect(patched.updated_at).toBe(clock.now().toISOString());
      expect(Date.parse(patched.updated_at)).toBeGreaterThan(Date.parse(task.updated_at));
      expect((await get(alice, task.id)).json()).toEqual(patched);
    });

    it("refuses an invalid change and leaves the task as it was", async () => {
      const task = await createTask(alice, { title: "Stable" });
      const response = await api.app.inject({
        method: "PATCH",
        url: `/api/tasks/${task.id}/`,
        headers: alice.auth,
        payload: { title: "", status: "done" },
      });
      expectValidationProblem(response, ["title"]);
      const owner = await api.app.inject({
        method: "PATCH",
        url: `/api/tasks/${task.id}/`,
        headers: alice.auth,
        payload: { owner: bob.user.id },
      });
      expectValidationProblem(owner, ["owner"]);
      expect((await get(alice, task.id)).json()).toEqual(task);
    });
  });

  describe("PUT /api/tasks/<id>/", () => {
    it("sets every writable field; omitted ones return to their defaults", async () => {
      const task = await createTask(alice, { title: "Full", description: "lots", status: "done" });
      const response = await api.app.inject({
        method: "PUT",
        url: `/api/tasks/${task.id}`,
        headers: alice.auth,
        payload: { title: "Replaced" },
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ id: task.id, title: "Replaced", description: "", status: "todo" });
      expect(response.json().created_at).toBe(task.created_at);
    });

    it("requires the title", async () => {
      const task = await createTask(alice);
      const response = await api.app.inject({
        method: "PUT",
        url: `/api/tasks/${task.id}/`,
        headers: alice.auth,
        payload: { status: "done" },
      });
      expectValidationProblem(response, ["title"]);
    });
  });

  describe("DELETE /api/tasks/<id>/", () => {
    it("answers 204 with no body, and the task is gone", async () => {
      const task = await createTask(alice);
      const response = await api.app.inject({ method: "DELETE", url: `/api/tasks/${task.id}/`, headers: alice.auth });
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe("");
      expectProblem(await get(alice, task.id), 404);
      const again = await api.app.inject({ method: "DELETE", url: `/api/tasks/${task.id}/`, headers: alice.auth });
      expectProblem(again, 404);
    });
  });

  describe("another user's task", () => {
    it("is a 404 on GET, PATCH, PUT and DELETE, with the body of a missing task, and stays unchanged", async () => {
      const bobs = await createTask(bob, { title: "Bob's secret", description: "private", status: "doing" });
      const missingId = "01a20cfd-6171-76ea-9666-5fa7e4fa0fa0";
      const attempts = [
        { method: "GET" as const },
        { method: "PATCH" as const, payload: { title: "Pwned" } },
        { method: "PUT" as const, payload: { title: "Pwned" } },
        { method: "DELETE" as const },
      ];
      for (const attempt of attempts) {
        const theirs = await api.app.inject({ ...attempt, url: `/api/tasks/${bobs.id}/`, headers: alice.auth });
        const missing = await api.app.inject({ ...attempt, url: `/api/tasks/${missingId}/`, headers: alice.auth });
        const body = expectProblem(theirs, 404);
        const missingBody = expectProblem(missing, 404);
        expect({ ...body, instance: "" }).toEqual({ ...missingBody, instance: "" });
      }
      expect((await get(bob, bobs.id)).json()).toEqual(bobs);
    });

    it("never appears in the caller's list", async () => {
      const bobs = await createTask(bob, { title: "Only Bob's" });
      const list = await api.app.inject({ method: "GET", url: "/api/tasks/?page_size=100", headers: alice.auth });
      expect(list.json<{ results: TaskBody[] }>().results.map((task) => task.id)).not.toContain(bobs.id);
    });
  });

  describe("without a valid access token", () => {
    it("answers 401 with WWW-Authenticate: Bearer on every task route", async () => {
      const task = await createTask(alice);
      const routes = [
        { method: "GET" as const, url: "/api/tasks/" },
        { method: "POST" as const, url: "/api/tasks/", payload: { title: "x" } },
        { method: "GET" as const, url: `/api/tasks/${task.id}/` },
        { method: "PATCH" as const, url: `/api/tasks/${task.id}/`, payload: { title: "x" } },
        { method: "PUT" as const, url: `/api/tasks/${task.id}/`, payload: { title: "x" } },
        { method: "DELETE" as const, url: `/api/tasks/${task.id}/` },
      ];
      for (const route of routes) {
        const response = await api.app.inject(route);
        const body = expectProblem(response, 401);
        expect(body.detail).toBe("Authentication credentials were not provided.");
        expect(response.headers["www-authenticate"]).toMatch(/^Bearer\b/);
      }
      expect((await get(alice, task.id)).json()).toEqual(task);
    });
  });
});

describe("a change racing a delete", () => {
  let testDatabase: TestDatabase;
  let api: TestApi;
  let alice: TestUser;
  /** Deletes this task just before the next write of it: a DELETE that lands while a PATCH is on its way. */
  let deleteBeforeWrite: string | null = null;

  beforeAll(async () => {
    testDatabase = await openTestDatabase("pglite", { inMemory: true });
    const real = testDatabase.database;
    const { tasks } = real;
    const racingTasks: TaskRepository = {
      add: (task) => tasks.add(task),
      update: async (id, fields, updatedAt, ownerId) => {
        if (id === deleteBeforeWrite) await tasks.delete(id);
        return tasks.update(id, fields, updatedAt, ownerId);
      },
      delete: (id, ownerId) => tasks.delete(id, ownerId),
      listForOwner: (ownerId, request) => tasks.listForOwner(ownerId, request),
      list: (filter, page, ordering) => tasks.list(filter, page, ordering),
      findById: (id) => tasks.findById(id),
    };
    const database: Database = {
      engine: real.engine,
      users: real.users,
      tasks: racingTasks,
      sessions: real.sessions,
      history: real.history,
      unitOfWork: real.unitOfWork,
      migrate: () => real.migrate(),
      migrationStatus: () => real.migrationStatus(),
      ping: (timeoutMs) => real.ping(timeoutMs),
      close: () => real.close(),
    };
    api = await testApiOn("pglite", { ...testDatabase, database });
    alice = await api.signUp("racer");
  });
  afterAll(async () => {
    await api?.close();
    await testDatabase?.close();
  });

  it.each(["PATCH", "PUT"] as const)("answers 404 to a %s whose task was deleted meanwhile", async (method) => {
    const created = await api.app.inject({
      method: "POST",
      url: "/api/tasks/",
      headers: alice.auth,
      payload: { title: "Soon gone" },
    });
    expect(created.statusCode).toBe(201);
    const { id } = created.json<{ id: string }>();
    deleteBeforeWrite = id;

    const response = await api.app.inject({
      method,
      url: `/api/tasks/${id}/`,
      headers: alice.auth,
      payload: { title: "Too late" },
    });

    expectProblem(response, 404);
    expect(await testDatabase.database.tasks.findById(id)).toBeNull();
  });
});
