import { ServiceUnavailable, Task, type User } from "@tasks/domain";
import { UuidV7IdGenerator } from "@tasks/platform";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openTestApi, type TestApi } from "../support/test-api.ts";
import { AdminBrowser, aUser, formToken } from "./support.ts";

const ids = new UuidV7IdGenerator();

describe("web admin: tasks", () => {
  let api: TestApi;
  let admin: AdminBrowser;
  let staff: User;

  beforeAll(async () => {
    api = await openTestApi("pglite");
    staff = await aUser(api, { prefix: "staff", isStaff: true });
    admin = new AdminBrowser(api);
    expect((await admin.logIn(staff.username)).statusCode).toBe(303);
  });
  afterAll(async () => {
    await api?.close();
  });

  /** A task stored directly, `minutesAgo` old. */
  async function aTask(
    owner: User,
    title: string,
    fields: { status?: string; description?: string; minutesAgo?: number } = {},
  ) {
    const now = new Date(Date.now() - (fields.minutesAgo ?? 0) * 60_000);
    const task = Task.create({ id: ids.newId(), ownerId: owner.id, title, ...fields, now });
    await api.database.tasks.add(task);
    return task;
  }

  /** The rows of a change list: each row's cells as text. */
  function rows(html: string): string[][] {
    const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? "";
    return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
      [...(row[1] ?? "").matchAll(/<t[hd] class="field-[^"]*">([\s\S]*?)<\/t[hd]>/g)].map((cell) =>
        (cell[1] ?? "").replace(/<[^>]+>/g, "").trim(),
      ),
    );
  }

  const history = () => api.database.history;

  describe("the change list", () => {
    it("shows Django's heading, the columns, the total and a link to each task's change page", async () => {
      const owner = await aUser(api, { prefix: "owner" });
      const task = await aTask(owner, "Water the plants", { status: "doing" });

      const response = await admin.get(`/admin/tasks/task/?owner=${owner.username}`);

      expect(response.statusCode).toBe(200);
      expect(response.body).toContain("<h1>Select task to change</h1>");
      expect(response.body).toContain(">Add task</a>");
      expect(response.body).toContain('<input type="submit" value="Search">');
      for (const heading of ["By status", "By owner"]) expect(response.body).toContain(`<summary>${heading}</summary>`);
      expect(rows(response.body)).toEqual([
        [
          task.id,
          "Water the plants",
          owner.username,
          "Doing",
          expect.stringMatching(/ UTC$/),
          expect.stringMatching(/ UTC$/),
        ],
      ]);
      expect(response.body).toContain(`href="/admin/tasks/task/${task.id}/change/"`);
      expect(response.body).toMatch(/1 task\s*<\/p>/);
    });

    it("filters by status and by owner, searches title and description, and keeps the other parameters in its links", async () => {
      const owner = await aUser(api, { prefix: "filters" });
      const other = await aUser(api, { prefix: "other" });
      await aTask(owner, "Buy milk", { status: "todo" });
      await aTask(owner, "Paint the fence", { status: "done", description: "white, with milk paint" });
      await aTask(other, "Milk the cow", { status: "done" });

      const done = await admin.get(`/admin/tasks/task/?owner=${owner.username}&status=done`);
      expect(rows(done.body).map((row) => row[1])).toEqual(["Paint the fence"]);
      expect(done.body).toContain(`href="/admin/tasks/task/?status=todo&amp;owner=${owner.username}"`);

      const search = await admin.get(`/admin/tasks/task/?owner=${owner.username}&q=MILK`);
      expect(
        rows(search.body)
          .map((row) => row[1])
          .sort(),
      ).toEqual(["Buy milk", "Paint the fence"]);
      expect(search.body).toMatch(/2 results \(<a href="[^"]*">\d+ total<\/a>\)/);
      expect(search.body).toContain(`<input type="hidden" name="owner" value="${owner.username}">`);
    });

    it("orders by a column's header, ascending first, then descending", async () => {
      const owner = await aUser(api, { prefix: "order" });
      await aTask(owner, "banana");
      await aTask(owner, "Apple");
      await aTask(owner, "cherry");
      const base = `/admin/tasks/task/?owner=${owner.username}`;

      const byTitle = await admin.get(`${base}&o=title`);
      expect(rows(byTitle.body).map((row) => row[1])).toEqual(["Apple", "banana", "cherry"]);
      expect(byTitle.body).toContain(
        `<th scope="col" class="sorted ascending"><a href="/admin/tasks/task/?o=-title&amp;owner=${owner.username}">Title</a>`,
      );
      const descending = await admin.get(`${base}&o=-title`);
      expect(rows(descending.body).map((row) => row[1])).toEqual(["cherry", "banana", "Apple"]);
    });

    it("shows 100 tasks a page with links to the others, and answers 404 past the last", async () => {
      const owner = await aUser(api, { prefix: "pages" });
      for (let index = 0; index < 102; index += 1) await aTask(owner, `Task ${index}`, { minutesAgo: index });
      const base = `/admin/tasks/task/?owner=${owner.username}`;

      const first = await admin.get(base);
      expect(rows(first.body)).toHaveLength(100);
      expect(rows(first.body)[0]?.[1]).toBe("Task 0");
      expect(first.body).toContain(`<a href="/admin/tasks/task/?p=2&amp;owner=${owner.username}">2</a>`);
      expect(first.body).toMatch(/102 tasks\s*<\/p>/);
      const second = await admin.get(`${base}&p=2`);
      expect(rows(second.body).map((row) => row[1])).toEqual(["Task 100", "Task 101"]);
      const past = await admin.get(`${base}&p=3`);
      expect(past.statusCode).toBe(404);
      expect(past.headers["content-type"]).toBe("text/html; charset=utf-8");
    });

    it("refuses an ordering by an unknown field with a 400 page naming it", async () => {
      const response = await admin.get("/admin/tasks/task/?o=password");

      expect(response.statusCode).toBe(400);
      expect(response.body).toContain("&quot;password&quot; is not a field you can order by.");
    });

    it("answers a search or a history id holding a NUL, which nothing stored can hold, with a 400 or an empty page, not a 500", async () => {
      for (const url of ["/admin/tasks/task/?q=a%00b", "/admin/auth/user/?q=%00"]) {
        const response = await admin.get(url);
        expect(response.statusCode, url).toBe(400);
        expect(response.body, url).toContain("Null characters are not allowed.");
      }
      for (const url of ["/admin/tasks/task/%00/history/", "/admin/auth/user/a%00b/history/"]) {
        const response = await admin.get(url);
        expect(response.statusCode, url).toBe(200);
        expect(response.body, url).toContain("This object doesn’t have a change history.");
      }
    });

    it("shows a hostile title as text wherever it appears", async () => {
      const owner = await aUser(api, { prefix: "xss" });
      const task = await aTask(owner, "<script>alert(1)</script>");

      const pages = [
        await admin.get(`/admin/tasks/task/?owner=${owner.username}`),
        await admin.get(`/admin/tasks/task/${task.id}/change/`),
        await admin.get(`/admin/tasks/task/${task.id}/delete/`),
      ];

      for (const page of pages) {
        expect(page.statusCode).toBe(200);
        expect(page.body).not.toContain("<script>");
        expect(page.body).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
      }
    });
  });

  describe("adding and changing", () => {
    it("adds a task for the named owner, says so on the next page, and records it in the history", async () => {
      const owner = await aUser(api, { prefix: "add" });

      const response = await admin.submit("/admin/tasks/task/add/", {
        title: "  Call mum  ",
        description: "Sunday",
        status: "doing",
        owner: owner.username.toUpperCase(),
      });

      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe("/admin/tasks/task/");
      const list = await admin.get(`/admin/tasks/task/?owner=${owner.username}`);
      expect(list.body).toContain("The task “Call mum” was added successfully.");
      const [task] = (await api.database.tasks.list({ ownerId: owner.id }, { page: 1, pageSize: 10 })).items;
      expect(task).toMatchObject({ title: "Call mum", description: "Sunday", status: "doing" });
      expect(await history().listForObject("task", task?.id as string)).toMatchObject([
        {
          action: "addition",
          changeMessage: "Added.",
          userId: staff.id,
          username: staff.username,
          objectRepr: "Call mum",
        },
      ]);
      const again = await admin.get("/admin/tasks/task/");
      expect(again.body).not.toContain("was added successfully");
    });

    it("shows each error next to its field, keeps what was typed, and adds nothing", async () => {
      const before = (await api.database.tasks.list({}, { page: 1, pageSize: 1 })).count;

      const response = await admin.submit("/admin/tasks/task/add/", {
        title: "   ",
        description: "kept <b>as typed</b>",
        status: "done",
        owner: "nobody_by_that_name",
      });

      expect(response.statusCode).toBe(400);
      expect(response.body).toContain("Please correct the errors below.");
      expect(response.body).toMatch(
        /field-title errors">\s*<ul class="errorlist" id="id_title_error"><li>This field may not be blank.<\/li>/,
      );
      expect(response.body).toMatch(
        /field-owner errors">\s*<ul class="errorlist" id="id_owner_error"><li>No user named &quot;nobody_by_that_name&quot;.<\/li>/,
      );
      expect(response.body).toContain("kept &lt;b&gt;as typed&lt;/b&gt;</textarea>");
      expect(response.body).toContain('<option value="done" selected>Done</option>');
      expect(response.body).toContain('value="nobody_by_that_name"');
      expect((await api.database.tasks.list({}, { page: 1, pageSize: 1 })).count).toBe(before);
    });

    it("changes a task, its owner included, and the history says which fields changed", async () => {
      const owner = await aUser(api, { prefix: "change" });
      const heir = await aUser(api, { prefix: "heir" });
      const task = await aTask(owner, "Old title");
      const form = await admin.get(`/admin/tasks/task/${task.id}/change/`);
      expect(form.body).toContain("<h1>Change task</h1>");
      expect(form.body).toContain(`value="${owner.username}"`);
      expect(form.body).toContain(`href="/admin/tasks/task/${task.id}/history/"`);

      const response = await admin.submit(`/admin/tasks/task/${task.id}/change/`, {
        title: "Old title",
        description: "",
        status: "done",
        owner: heir.username,
      });

      expect(response.statusCode).toBe(303);
      expect(await api.database.tasks.findById(task.id)).toMatchObject({ status: "done", ownerId: heir.id });
      const page = await admin.get(`/admin/tasks/task/${task.id}/history/`);
      expect(page.body).toContain("Changed Status and Owner.");
      expect(page.body).toContain(staff.username);
    });

    it("sends a change page of a task that does not exist to the index, saying so as Django does", async () => {
      for (const id of [ids.newId(), "not-an-id"]) {
        const response = await admin.get(`/admin/tasks/task/${id}/change/`);
        expect(response.statusCode).toBe(302);
        expect(response.headers.location).toBe("/admin/");
        expect((await admin.get("/admin/")).body).toContain(
          `Task with ID “${id}” doesn’t exist. Perhaps it was deleted?`,
        );
      }
    });

    it("answers 404 to a form posted for a task that does not exist, changing nothing", async () => {
      const page = await admin.get("/admin/tasks/task/add/");
      const response = await admin.post(`/admin/tasks/task/${ids.newId()}/change/`, {
        csrfmiddlewaretoken: formToken(page.body),
        title: "Ghost",
        status: "todo",
        owner: staff.username,
      });
      expect(response.statusCode).toBe(404);
      expect(response.body).toContain("No task matches the given query.");
    });
  });

  describe("deleting", () => {
    it("asks first on the delete page, then deletes and records it", async () => {
      const owner = await aUser(api, { prefix: "delete" });
      const task = await aTask(owner, "Doomed");

      const confirm = await admin.get(`/admin/tasks/task/${task.id}/delete/`);
      expect(confirm.statusCode).toBe(200);
      expect(confirm.body).toContain("Are you sure you want to delete the task “Doomed”?");
      expect(confirm.body).toContain('<input type="submit" value="Yes, I\'m sure">');
      expect(await api.database.tasks.findById(task.id)).not.toBeNull();

      const response = await admin.submit(`/admin/tasks/task/${task.id}/delete/`, { post: "yes" });

      expect(response.statusCode).toBe(303);
      expect(await api.database.tasks.findById(task.id)).toBeNull();
      expect(await history().listForObject("task", task.id)).toMatchObject([
        { action: "deletion", objectRepr: "Doomed" },
      ]);
      const history_ = await admin.get(`/admin/tasks/task/${task.id}/history/`);
      expect(history_.statusCode).toBe(200);
      expect(history_.body).toContain("Change history: Doomed");
    });

    it("deletes the selected tasks only after the confirmation page, which lists them", async () => {
      const owner = await aUser(api, { prefix: "bulk" });
      const kept = await aTask(owner, "Kept");
      const first = await aTask(owner, "First to go");
      const second = await aTask(owner, "Second to go");
      const list = `/admin/tasks/task/?owner=${owner.username}`;
      const selection = { action: "delete_selected", _selected_action: [first.id, second.id] };

      const confirm = await admin.submit("/admin/tasks/task/", selection, list);

      expect(confirm.statusCode).toBe(200);
      expect(confirm.body).toContain("Are you sure you want to delete the selected tasks?");
      expect(confirm.body).toContain("First to go");
      expect(confirm.body).toContain("Second to go");
      expect(confirm.body).not.toContain(">Kept<");
      expect(await api.database.tasks.findById(first.id)).not.toBeNull();

      const response = await admin.submit("/admin/tasks/task/", { ...selection, post: "yes" }, list);

      expect(response.statusCode).toBe(303);
      expect(await api.database.tasks.findById(first.id)).toBeNull();
      expect(await api.database.tasks.findById(second.id)).toBeNull();
      expect(await api.database.tasks.findById(kept.id)).not.toBeNull();
      expect((await admin.get(list)).body).toContain("Successfully deleted 2 tasks.");
    });

    it("deletes nothing when no task is selected or no action chosen, and says why", async () => {
      const owner = await aUser(api, { prefix: "none" });
      const task = await aTask(owner, "Safe");
      const list = `/admin/tasks/task/?owner=${owner.username}`;

      await admin.submit("/admin/tasks/task/", { action: "delete_selected" }, list);
      expect((await admin.get(list)).body).toContain("Items must be selected in order to perform actions on them.");
      await admin.submit("/admin/tasks/task/", { action: "", _selected_action: task.id, post: "yes" }, list);
      expect((await admin.get(list)).body).toContain("No action selected.");
      expect(await api.database.tasks.findById(task.id)).not.toBeNull();
    });
  });

  describe("CSRF and access", () => {
    it("refuses every form posted without its CSRF token, and changes nothing", async () => {
      const owner = await aUser(api, { prefix: "csrf" });
      const task = await aTask(owner, "Untouched");
      const posts: [string, Record<string, string>][] = [
        ["/admin/tasks/task/add/", { title: "Sneaky", status: "todo", owner: owner.username }],
        [`/admin/tasks/task/${task.id}/change/`, { title: "Changed", status: "done", owner: owner.username }],
        [`/admin/tasks/task/${task.id}/delete/`, { post: "yes" }],
        ["/admin/tasks/task/", { action: "delete_selected", _selected_action: task.id, post: "yes" }],
      ];
      for (const [url, fields] of posts) {
        const response = await admin.post(url, { ...fields, csrfmiddlewaretoken: "forged".padEnd(32, "x") });
        expect(response.statusCode, url).toBe(403);
        expect(response.body).toContain("CSRF verification failed. Request aborted.");
      }
      expect(await api.database.tasks.findById(task.id)).toMatchObject({ title: "Untouched" });
      expect((await api.database.tasks.list({ ownerId: owner.id }, { page: 1, pageSize: 10 })).count).toBe(1);
    });

    it("sends the anonymous to the login page and shows users who are not staff a 403 page, on every task page", async () => {
      const owner = await aUser(api, { prefix: "access" });
      const task = await aTask(owner, "Private");
      const ordinary = await aUser(api, { prefix: "plain" });
      const visitor = new AdminBrowser(api);
      const member = new AdminBrowser(api);
      const session = await api.app.inject({ method: "GET", url: "/api/auth/csrf/" });
      const csrf = session.cookies.find((cookie) => cookie.name === "csrftoken")?.value as string;
      const login = await api.app.inject({
        method: "POST",
        url: "/api/auth/session/",
        cookies: { csrftoken: csrf },
        headers: { "x-csrftoken": csrf },
        payload: { username: ordinary.username, password: "correct horse battery staple" },
      });
      member.cookies.sessionid = login.cookies.find((cookie) => cookie.name === "sessionid")?.value as string;
      member.cookies.csrftoken = csrf;

      for (const url of [
        "/admin/tasks/task/",
        "/admin/tasks/task/add/",
        `/admin/tasks/task/${task.id}/change/`,
        `/admin/tasks/task/${task.id}/delete/`,
        `/admin/tasks/task/${task.id}/history/`,
      ]) {
        const anonymous = await visitor.get(url);
        expect(anonymous.statusCode, url).toBe(302);
        expect(anonymous.headers.location).toBe(`/admin/login/?next=${encodeURIComponent(url)}`);
        const denied = await member.get(url);
        expect(denied.statusCode, url).toBe(403);
        expect(denied.body).not.toContain("Private");
      }
    });
  });

  it("lists the staff member's own changes under Recent actions on the index, newest first", async () => {
    const me = await aUser(api, { prefix: "recent", isStaff: true });
    const mine = new AdminBrowser(api);
    await mine.logIn(me.username);
    const owner = await aUser(api, { prefix: "ro" });
    const task = await aTask(owner, "Before");
    const page = await mine.get("/admin/");
    expect(page.body).toContain("<h2>Recent actions</h2>");
    expect(page.body).toContain("None available");

    const form = await mine.get(`/admin/tasks/task/${task.id}/change/`);
    await mine.post(`/admin/tasks/task/${task.id}/change/`, {
      csrfmiddlewaretoken: formToken(form.body),
      title: "After <i>",
      description: "",
      status: "todo",
      owner: owner.username,
    });

    const index = await mine.get("/admin/");
    expect(index.body).toContain(`<a href="/admin/tasks/task/${task.id}/change/">After &lt;i&gt;</a>`);
    expect(index.body).not.toContain("None available");
    const others = await admin.get("/admin/");
    expect(others.body).not.toContain("After &lt;i&gt;");
  });

  it("answers 503 when the database fails to look a task up, rather than a page that leaves the task out", async () => {
    const task = await aTask(await aUser(api, { prefix: "outage" }), "Unreachable");
    const findById = api.database.tasks.findById.bind(api.database.tasks);
    const spy = vi
      .spyOn(api.database.tasks, "findById")
      .mockImplementation((id) => (id === task.id ? Promise.reject(new ServiceUnavailable("test")) : findById(id)));
    try {
      expect((await admin.get(`/admin/tasks/task/${task.id}/history/`)).statusCode).toBe(503);
      const selection = { action: "delete_selected", _selected_action: [task.id] };
      expect((await admin.submit("/admin/tasks/task/", selection, "/admin/tasks/task/")).statusCode).toBe(503);
    } finally {
      spy.mockRestore();
    }
  });
});
