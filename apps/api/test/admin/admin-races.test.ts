import { type AdminAddTask, Task, type User } from "@tasks/domain";
import { describeOnEngines } from "@tasks/persistence/testing";
import { UuidV7IdGenerator } from "@tasks/platform";
import { postgresAvailability } from "@tasks/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openTestApi, PASSWORD, type TestApi, testApiOn } from "../support/test-api.ts";
import { AdminBrowser, aUser, formToken, tokenStatus } from "./support.ts";

const ids = new UuidV7IdGenerator();
const STAFF = 4;

/**
 * Staff acting at once through the web admin, each with a browser of their own: what one
 * does must neither be undone nor recorded twice by another's request in flight.
 */
describeOnEngines(await postgresAvailability(), "the web admin under concurrent staff", (engine) => {
  let api: TestApi;
  let browsers: AdminBrowser[];
  let root: AdminBrowser;

  beforeAll(async () => {
    api = await openTestApi(engine, { config: { loginMaxFailures: 100_000 } });
    browsers = [];
    // One after another: the logins of one client address are checked at most two at once.
    for (let index = 0; index < STAFF; index += 1) {
      const staff = await aUser(api, { prefix: "racer", isStaff: true });
      const browser = new AdminBrowser(api);
      expect((await browser.logIn(staff.username)).statusCode).toBe(303);
      browsers.push(browser);
    }
    const superuser = await aUser(api, { prefix: "root", isSuperuser: true });
    root = new AdminBrowser(api);
    expect((await root.logIn(superuser.username)).statusCode).toBe(303);
  });
  afterAll(async () => {
    await api?.close();
  });

  /** Posts a form of the page at `formUrl` to `url` in each browser at once. */
  async function postAtOnce(url: string, fields: Record<string, string | string[]>, formUrl: string) {
    const tokens = await Promise.all(browsers.map(async (browser) => formToken((await browser.get(formUrl)).body)));
    return Promise.all(
      browsers.map((browser, index) => browser.post(url, { csrfmiddlewaretoken: tokens[index] as string, ...fields })),
    );
  }

  it("deletes each selected task once and records each deletion once when staff delete the same selection at once", async () => {
    const owner = await aUser(api, { prefix: "owner" });
    const tasks: Task[] = [];
    for (let index = 0; index < 8; index += 1) {
      const task = Task.create({ id: ids.newId(), ownerId: owner.id, title: `Shared ${index}`, now: new Date() });
      await api.database.tasks.add(task);
      tasks.push(task);
    }
    const selection = { action: "delete_selected", _selected_action: tasks.map((task) => task.id), post: "yes" };

    const responses = await postAtOnce("/admin/tasks/task/", selection, "/admin/tasks/task/");

    for (const response of responses) expect(response.statusCode, response.body).toBe(303);
    for (const task of tasks) {
      expect(await api.database.tasks.findById(task.id)).toBeNull();
      const entries = await api.database.history.listForObject("task", task.id);
      expect(entries.map((entry) => entry.action)).toEqual(["deletion"]);
    }
    const counted = await api.database.tasks.list({ ownerId: owner.id }, { page: 1, pageSize: 10 });
    expect(counted.count).toBe(0);
  });

  it("leaves a user deactivated through the admin while their logins were in flight, with every token refused", async () => {
    const user: User = await aUser(api, { prefix: "target" });
    const [admin] = browsers as [AdminBrowser];
    const form = await admin.get(`/admin/auth/user/${user.id}/change/`);
    const tokens: string[] = [];
    let changed = false;
    const client = async (index: number) => {
      for (let afterChange = 0; afterChange < 2; ) {
        const wasChanged = changed;
        const response = await api.app.inject({
          method: "POST",
          url: "/api/auth/login/",
          payload: { username: user.username, password: PASSWORD },
          remoteAddress: `198.51.100.${index + 1}`,
        });
        if (response.statusCode === 200) tokens.push(response.json<{ access: string }>().access);
        if (wasChanged) afterChange += 1;
      }
    };
    const clients = [client(0), client(1)];

    const response = await admin.post(`/admin/auth/user/${user.id}/change/`, {
      csrfmiddlewaretoken: formToken(form.body),
      username: user.username,
      email: "",
    });
    changed = true;
    await Promise.all(clients);

    expect(response.statusCode).toBe(303);
    expect(await api.database.users.findById(user.id)).toMatchObject({ isActive: false });
    expect(tokens.length).toBeGreaterThan(0);
    for (const access of tokens) {
      expect(await tokenStatus(api, access)).toBe(401);
    }
  });

  it("never lets a staff member's change undo a superuser's promotion made while it was in flight", async () => {
    const [clerk] = browsers as [AdminBrowser];
    for (let round = 0; round < 12; round += 1) {
      const user: User = await aUser(api, { prefix: "promoted" });
      const url = `/admin/auth/user/${user.id}/change/`;
      const [clerkForm, rootForm] = await Promise.all([clerk.get(url), root.get(url)]);

      const [byClerk, byRoot] = await Promise.all([
        clerk.post(url, {
          csrfmiddlewaretoken: formToken(clerkForm.body),
          username: user.username,
          email: `r${round}@example.com`,
          is_active: "on",
        }),
        root.post(url, {
          csrfmiddlewaretoken: formToken(rootForm.body),
          username: user.username,
          email: "",
          is_active: "on",
          is_staff: "on",
          is_superuser: "on",
        }),
      ]);

      expect(byRoot.statusCode).toBe(303);
      // Either the clerk's change came first (and the promotion after it), or the clerk was refused.
      expect([303, 403]).toContain(byClerk.statusCode);
      expect(await api.database.users.findById(user.id)).toMatchObject({ isStaff: true, isSuperuser: true });
      const entries = await api.database.history.listForObject("user", user.id);
      expect(entries).toHaveLength(byClerk.statusCode === 303 ? 2 : 1);
    }
  });

  it("sends a staff member deleted while their new task was saved to the login page, keeping no task", async () => {
    const staff = await aUser(api, { prefix: "deleted", isStaff: true });
    const owner = await aUser(api, { prefix: "owner" });
    const deleting = await testApiOn(engine, api.testDatabase, {
      adjust: (deps) => {
        const adminAddTask = deps.useCases.adminAddTask;
        const deletingFirst = {
          execute: async (input) => {
            await api.database.users.delete(staff.id);
            return adminAddTask.execute(input);
          },
        } satisfies Pick<AdminAddTask, "execute">;
        return { ...deps, useCases: { ...deps.useCases, adminAddTask: deletingFirst as AdminAddTask } };
      },
    });
    try {
      const browser = new AdminBrowser(deleting);
      expect((await browser.logIn(staff.username)).statusCode).toBe(303);

      const response = await browser.submit("/admin/tasks/task/add/", {
        title: "Added by the departed",
        status: "todo",
        owner: owner.username,
      });

      expect(response.statusCode).toBe(302);
      expect(response.headers.location).toBe("/admin/login/?next=%2Fadmin%2Ftasks%2Ftask%2Fadd%2F");
      expect(await api.database.users.findById(staff.id)).toBeNull();
      expect((await api.database.tasks.list({ ownerId: owner.id }, { page: 1, pageSize: 10 })).count).toBe(0);
    } finally {
      await deleting.close();
    }
  });
});
