import { ServiceUnavailable, Task, type User } from "@tasks/domain";
import { UuidV7IdGenerator } from "@tasks/platform";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openTestApi, PASSWORD, type TestApi } from "../support/test-api.ts";
import { AdminBrowser, aUser, tokenStatus } from "./support.ts";

const ids = new UuidV7IdGenerator();
const NEW_PASSWORD = "a whole new pass phrase";

describe("web admin: users", () => {
  let api: TestApi;
  let superuser: User;
  let root: AdminBrowser;
  let staff: User;
  let clerk: AdminBrowser;

  beforeAll(async () => {
    api = await openTestApi("pglite");
    superuser = await aUser(api, { prefix: "root", isSuperuser: true });
    root = new AdminBrowser(api);
    expect((await root.logIn(superuser.username)).statusCode).toBe(303);
    staff = await aUser(api, { prefix: "clerk", isStaff: true });
    clerk = new AdminBrowser(api);
    expect((await clerk.logIn(staff.username)).statusCode).toBe(303);
  });
  afterAll(async () => {
    await api?.close();
  });

  function usernames(html: string): string[] {
    const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? "";
    return [...body.matchAll(/<th class="field-username"><a [^>]*>([^<]*)<\/a><\/th>/g)].map(
      (match) => match[1] as string,
    );
  }

  const apiLogin = (username: string, password = PASSWORD) =>
    api.app.inject({ method: "POST", url: "/api/auth/login/", payload: { username, password } });

  describe("the change list", () => {
    it("searches username and email, filters by staff status and by active, and orders by a column", async () => {
      const tag = `lst${Date.now().toString(36)}`;
      const plain = await aUser(api, { prefix: `${tag}_b` });
      const boss = await aUser(api, { prefix: `${tag}_a`, isStaff: true });
      const gone = await aUser(api, { prefix: `${tag}_c` });
      await api.database.users.deactivate(gone.id);

      const all = await root.get(`/admin/auth/user/?q=${tag}&o=username`);
      expect(all.statusCode).toBe(200);
      expect(all.body).toContain("<h1>Select user to change</h1>");
      expect(all.body).toContain(">Add user</a>");
      for (const heading of ["By staff status", "By active"])
        expect(all.body).toContain(`<summary>${heading}</summary>`);
      expect(usernames(all.body)).toEqual([boss.username, plain.username, gone.username]);
      expect(usernames((await root.get(`/admin/auth/user/?q=${tag}&o=-username`)).body)).toEqual([
        gone.username,
        plain.username,
        boss.username,
      ]);
      expect(usernames((await root.get(`/admin/auth/user/?q=${tag}&is_staff=1`)).body)).toEqual([boss.username]);
      expect(usernames((await root.get(`/admin/auth/user/?q=${tag}&is_active=0`)).body)).toEqual([gone.username]);
    });
  });

  describe("adding", () => {
    it("adds a user whose password then works on the JSON API, and records it", async () => {
      const username = `new_${Date.now().toString(36)}`;

      const response = await root.submit("/admin/auth/user/add/", {
        username,
        email: `${username}@example.com`,
        password: NEW_PASSWORD,
        password_confirmation: NEW_PASSWORD,
      });

      expect(response.statusCode).toBe(303);
      const user = await api.database.users.findByUsername(username);
      expect(user).toMatchObject({ isStaff: false, isSuperuser: false, isActive: true });
      expect(response.headers.location).toBe(`/admin/auth/user/${user?.id}/change/`);
      expect((await apiLogin(username, NEW_PASSWORD)).statusCode).toBe(200);
      expect(await api.database.history.listForObject("user", user?.id as string)).toMatchObject([
        { action: "addition", changeMessage: "Added.", username: superuser.username },
      ]);
    });

    it("shows the policy's and the confirmation's errors beside their fields, keeps the username, and adds nobody", async () => {
      const response = await root.submit("/admin/auth/user/add/", {
        username: superuser.username.toUpperCase(),
        email: "not an email",
        password: "short",
        password_confirmation: "shorter",
      });

      expect(response.statusCode).toBe(400);
      expect(response.body).toMatch(/id="id_username_error"><li>A user with that username already exists.<\/li>/);
      expect(response.body).toMatch(/id="id_email_error"><li>Enter a valid email address.<\/li>/);
      expect(response.body).toMatch(/id="id_password_error"><li>This password is too short./);
      expect(response.body).toMatch(
        /id="id_password_confirmation_error"><li>The two password fields didn’t match.<\/li>/,
      );
      expect(response.body).toContain(`value="${superuser.username.toUpperCase()}"`);
      expect(response.body).not.toContain('value="short"');
    });

    it("offers the superuser box to superusers only, and refuses a staff user who tries to make staff", async () => {
      expect((await root.get("/admin/auth/user/add/")).body).toContain('name="is_superuser"');
      expect((await clerk.get("/admin/auth/user/add/")).body).not.toContain('name="is_superuser"');
      const username = `promoted_${Date.now().toString(36)}`;

      const response = await clerk.submit("/admin/auth/user/add/", {
        username,
        password: NEW_PASSWORD,
        password_confirmation: NEW_PASSWORD,
        is_staff: "on",
      });

      expect(response.statusCode).toBe(403);
      expect(response.body).toContain("Only a superuser may add, change or delete staff users and superusers.");
      expect(await api.database.users.findByUsername(username)).toBeNull();
    });
  });

  describe("changing", () => {
    it("deactivating ends every login of the user at once, and the history says what changed", async () => {
      const user = await aUser(api, { prefix: "deact" });
      const { access } = await api.logIn(user.username);
      const form = await clerk.get(`/admin/auth/user/${user.id}/change/`);
      expect(form.body).toContain("<h1>Change user</h1>");
      // The contract's labels, in Django's words.
      expect(form.body).toContain('<label for="id_username" class="required">Username:</label>');
      expect(form.body).toContain('<label for="id_email">Email address:</label>');
      expect(form.body).toContain('<label class="vCheckboxLabel" for="id_is_staff">Staff status</label>');
      expect(form.body).toContain('<label class="vCheckboxLabel" for="id_is_active">Active</label>');
      expect(form.body).toContain('<input type="submit" value="Save" class="default" name="_save">');
      expect(form.body).toContain(`<a href="/admin/auth/user/${user.id}/delete/" class="deletelink">Delete</a>`);
      expect(form.body).toContain(`<a href="/admin/auth/user/${user.id}/history/" class="historylink">History</a>`);
      expect(form.body).toContain(`href="/admin/auth/user/${user.id}/password/"`);
      expect(form.body).toContain("1 live login.");

      const response = await clerk.submit(`/admin/auth/user/${user.id}/change/`, {
        username: user.username,
        email: "new@example.com",
      });

      expect(response.statusCode).toBe(303);
      expect(await api.database.users.findById(user.id)).toMatchObject({ isActive: false, email: "new@example.com" });
      expect(await tokenStatus(api, access)).toBe(401);
      const history = await clerk.get(`/admin/auth/user/${user.id}/history/`);
      expect(history.body).toContain("Changed Email address and Active.");
    });

    it("sends a change page of a user who does not exist to the index, saying so as Django does", async () => {
      const id = ids.newId();
      const response = await clerk.get(`/admin/auth/user/${id}/change/`);

      expect(response.statusCode).toBe(302);
      expect(response.headers.location).toBe("/admin/");
      expect((await clerk.get("/admin/")).body).toContain(
        `User with ID “${id}” doesn’t exist. Perhaps it was deleted?`,
      );
    });

    it("lists the user's tasks on their change page", async () => {
      const user = await aUser(api, { prefix: "tasks" });
      const task = Task.create({ id: ids.newId(), ownerId: user.id, title: "Feed <the> cat", now: new Date() });
      await api.database.tasks.add(task);

      const page = await clerk.get(`/admin/auth/user/${user.id}/change/`);

      expect(page.body).toContain(`<a href="/admin/tasks/task/${task.id}/change/">Feed &lt;the&gt; cat</a>`);
      expect(page.body).toContain(`href="/admin/tasks/task/?owner=${user.username}"`);
    });

    it("keeps staff away from staff and superusers, which superusers may change", async () => {
      const colleague = await aUser(api, { prefix: "colleague", isStaff: true });
      for (const page of ["change", "password", "delete"]) {
        const denied = await clerk.get(`/admin/auth/user/${colleague.id}/${page}/`);
        expect(denied.statusCode, page).toBe(403);
        expect((await root.get(`/admin/auth/user/${colleague.id}/${page}/`)).statusCode, page).toBe(200);
      }
      const response = await root.submit(`/admin/auth/user/${colleague.id}/change/`, {
        username: colleague.username,
        email: "",
        is_active: "on",
      });
      expect(response.statusCode).toBe(303);
      expect(await api.database.users.findById(colleague.id)).toMatchObject({ isStaff: false });
    });
  });

  describe("passwords and logins", () => {
    it("sets a password: every login of the user ends and the new password works", async () => {
      const user = await aUser(api, { prefix: "setpw" });
      const { access } = await api.logIn(user.username);
      const url = `/admin/auth/user/${user.id}/password/`;

      const wrong = await clerk.submit(url, { password: NEW_PASSWORD, password_confirmation: "something else" });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.body).toContain("The two password fields didn’t match.");

      const response = await clerk.submit(url, { password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD });

      expect(response.statusCode).toBe(303);
      expect(await tokenStatus(api, access)).toBe(401);
      expect((await apiLogin(user.username, NEW_PASSWORD)).statusCode).toBe(200);
      expect((await clerk.get(`/admin/auth/user/${user.id}/history/`)).body).toContain("Changed password.");
    });

    it("keeps a superuser signed in who sets their own password on their user page, ending their other logins", async () => {
      const me = await aUser(api, { prefix: "selfroot", isSuperuser: true });
      const browser = new AdminBrowser(api);
      await browser.logIn(me.username);
      const { access } = await api.logIn(me.username);

      const response = await browser.submit(`/admin/auth/user/${me.id}/password/`, {
        password: NEW_PASSWORD,
        password_confirmation: NEW_PASSWORD,
      });

      expect(response.statusCode).toBe(303);
      expect((await browser.get("/admin/")).statusCode).toBe(200);
      expect(await tokenStatus(api, access)).toBe(401);
    });

    it("revokes all logins of a user", async () => {
      const user = await aUser(api, { prefix: "revoke" });
      const { access } = await api.logIn(user.username);

      const response = await clerk.submit(
        `/admin/auth/user/${user.id}/revoke-logins/`,
        {},
        `/admin/auth/user/${user.id}/change/`,
      );

      expect(response.statusCode).toBe(303);
      expect(await tokenStatus(api, access)).toBe(401);
      expect((await clerk.get(`/admin/auth/user/${user.id}/change/`)).body).toContain(
        `Revoked 1 login of “${user.username}”.`,
      );
    });

    it("changes the signed-in staff member's own password with the old one, keeping this login", async () => {
      const me = await aUser(api, { prefix: "self", isStaff: true });
      const browser = new AdminBrowser(api);
      await browser.logIn(me.username);
      const index = await browser.get("/admin/");
      expect(index.body).toContain('<a href="/admin/password_change/">Change password</a>');

      const wrong = await browser.submit("/admin/password_change/", {
        old_password: "not mine",
        new_password: NEW_PASSWORD,
        new_password_confirmation: NEW_PASSWORD,
      });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.body).toContain("Your old password was entered incorrectly.");

      const response = await browser.submit("/admin/password_change/", {
        old_password: PASSWORD,
        new_password: NEW_PASSWORD,
        new_password_confirmation: NEW_PASSWORD,
      });

      expect(response.statusCode).toBe(200);
      expect(response.body).toContain("Password change successful");
      expect((await browser.get("/admin/")).statusCode).toBe(200);
      expect((await apiLogin(me.username, NEW_PASSWORD)).statusCode).toBe(200);
    });
  });

  describe("deleting", () => {
    it("says the user's tasks go too, then deletes both", async () => {
      const user = await aUser(api, { prefix: "deluser" });
      const task = Task.create({ id: ids.newId(), ownerId: user.id, title: "Goes along", now: new Date() });
      await api.database.tasks.add(task);

      const confirm = await clerk.get(`/admin/auth/user/${user.id}/delete/`);
      expect(confirm.body).toContain(`Are you sure you want to delete the user “${user.username}”?`);
      expect(confirm.body).toContain("Tasks: 1");
      expect(confirm.body).toContain("Goes along");

      const response = await clerk.submit(`/admin/auth/user/${user.id}/delete/`, { post: "yes" });

      expect(response.statusCode).toBe(303);
      expect(await api.database.users.findById(user.id)).toBeNull();
      expect(await api.database.tasks.findById(task.id)).toBeNull();
      expect((await clerk.get(`/admin/auth/user/${user.id}/history/`)).body).toContain("Deleted.");
    });

    it("refuses a bulk delete that includes a staff user, deleting none", async () => {
      const plain = await aUser(api, { prefix: "bulkplain" });
      const colleague = await aUser(api, { prefix: "bulkstaff", isStaff: true });
      const selection = { action: "delete_selected", _selected_action: [plain.id, colleague.id] };

      const confirm = await clerk.submit("/admin/auth/user/", selection, "/admin/auth/user/");
      expect(confirm.statusCode).toBe(403);
      const response = await clerk.submit("/admin/auth/user/", { ...selection, post: "yes" }, "/admin/auth/user/");
      expect(response.statusCode).toBe(403);

      expect(await api.database.users.findById(plain.id)).not.toBeNull();
      expect(await api.database.users.findById(colleague.id)).not.toBeNull();
    });
  });

  it("answers 503 when the database fails to look a user up, rather than a page that leaves the user out", async () => {
    const user = await aUser(api, { prefix: "outage" });
    const findById = api.database.users.findById.bind(api.database.users);
    const spy = vi
      .spyOn(api.database.users, "findById")
      .mockImplementation((id) => (id === user.id ? Promise.reject(new ServiceUnavailable("test")) : findById(id)));
    try {
      expect((await clerk.get(`/admin/auth/user/${user.id}/history/`)).statusCode).toBe(503);
      const selection = { action: "delete_selected", _selected_action: [user.id] };
      expect((await clerk.submit("/admin/auth/user/", selection, "/admin/auth/user/")).statusCode).toBe(503);
    } finally {
      spy.mockRestore();
    }
  });
});
