import { userInfo } from "node:os";
import { Argon2PasswordHasher } from "@tasks/security";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bulkEngine, openTaskctlDatabase, type TaskctlDatabase } from "./support/databases.ts";
import { expectNoControls, SHOWN_TITLE, TITLE } from "./support/escapes.ts";
import { PtySession } from "./support/pty.ts";
import { taskctl } from "./support/taskctl.ts";

const PASSWORD = "long secret words";

const engine = await bulkEngine();

describe(`taskctl on a terminal (${engine})`, () => {
  let db: TaskctlDatabase;
  const stored = (username: string) => db.database.users.findByUsername(username);

  beforeAll(async () => {
    db = await openTaskctlDatabase(engine);
  });
  afterAll(async () => {
    await db?.close();
  });

  it("createsuperuser asks until each answer is valid, the passwords match and pass the rules, never echoing them", async () => {
    const pty = new PtySession(db.env, ["createsuperuser"]);
    await pty.answer("Username", "not valid!");
    await pty.waitFor(
      "Error: Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.\n",
    );
    await pty.answer("Username", "admin");
    await pty.answer("Email address: ", "admin-at-example");
    await pty.waitFor("Error: Enter a valid email address.\n");
    await pty.answer("Email address: ", "admin@example.com");
    await pty.answer("Password: ", "first try words");
    await pty.answer("Password (again): ", "first try wordz");
    await pty.waitFor("Error: Your passwords didn't match.\n");
    await pty.answer("Password: ", "admin4242");
    await pty.answer("Password (again): ", "admin4242");
    await pty.waitFor("Error: The password is too similar to the username or email.\n");
    await pty.answer("Password: ", PASSWORD);
    await pty.answer("Password (again): ", PASSWORD);
    await pty.waitFor("Superuser created successfully.\n");
    expect(await pty.exit()).toBe(0);
    for (const secret of ["first try", "admin4242", PASSWORD]) expect(pty.transcript).not.toContain(secret);
    const admin = await stored("admin");
    expect(admin).toMatchObject({ email: "admin@example.com", isStaff: true, isSuperuser: true, isActive: true });
    expect(await new Argon2PasswordHasher().verify(admin?.passwordHash ?? "", PASSWORD)).toBe(true);
  });

  it("createsuperuser offers the login name for a blank username, and users create asks again for a taken one", async () => {
    const login = userInfo().username.toLowerCase();
    const superuser = new PtySession(db.env, ["createsuperuser", "--email", "ops@example.com"]);
    await superuser.answer(`Username (leave blank to use '${login}'): `, "");
    await superuser.answer("Password: ", PASSWORD);
    await superuser.answer("Password (again): ", PASSWORD);
    await superuser.waitFor("Superuser created successfully.\n");
    expect(await superuser.exit()).toBe(0);
    expect(await stored(login)).toMatchObject({ email: "ops@example.com", isSuperuser: true });

    const user = new PtySession(db.env, ["users", "create", "ADMIN", "--json"]);
    await user.waitFor("Error: A user with that username already exists.\n");
    await user.answer("Username: ", "dora");
    await user.answer("Email address: ", "");
    await user.answer("Password: ", PASSWORD);
    await user.answer("Password (again): ", PASSWORD);
    expect(await user.exit()).toBe(0);
    expect(user.transcript).toContain('"username": "dora"');
    expect(await stored("dora")).toMatchObject({ email: "", isStaff: false, isSuperuser: false });
  });

  it("stops with exit 1 and creates nothing when Ctrl-C is pressed at a prompt", async () => {
    const pty = new PtySession(db.env, ["users", "create", "erin", "--email", "erin@example.com"]);
    await pty.waitFor("Password: ");
    pty.press("half a pass");
    pty.press("\u0003");
    await pty.waitFor("Operation cancelled.\n");
    expect(await pty.exit()).toBe(1);
    expect(await stored("erin")).toBeNull();
  });

  it("users set-password asks twice, hidden, until the passwords match", async () => {
    const pty = new PtySession(db.env, ["users", "set-password", "dora"]);
    await pty.waitFor('Changing the password of "dora".\n');
    await pty.answer("Password: ", "brand new words");
    await pty.answer("Password (again): ", "brand new word");
    await pty.waitFor("Error: Your passwords didn't match.\n");
    await pty.answer("Password: ", "brand new words");
    await pty.answer("Password (again): ", "brand new words");
    await pty.waitFor('Password of "dora" changed; every login of theirs has ended.\n');
    expect(await pty.exit()).toBe(0);
    expect(pty.transcript).not.toContain("brand new");
    expect(await new Argon2PasswordHasher().verify((await stored("dora"))?.passwordHash ?? "", "brand new words")).toBe(
      true,
    );
  });

  it("tasks delete asks with the title escaped on the terminal", async () => {
    const task = await taskctl(db.env, ["tasks", "create", "--user", "dora", "--title", TITLE, "--json"]);
    const { id } = task.json<{ id: string }>();
    const pty = new PtySession(db.env, ["tasks", "delete", id]);
    await pty.answer(`Delete task "${SHOWN_TITLE}" of "dora"? [y/N]: `, "n");
    await pty.waitFor("Operation cancelled.\n");
    expect(await pty.exit()).toBe(1);
    expectNoControls(pty.transcript);
    expect(await db.database.tasks.findById(id)).not.toBeNull();
    // Gone again, so that dora's tasks below are the ones that test makes.
    expect(await db.database.tasks.delete(id)).toBe(true);
  });

  it("deletes only after a yes on the terminal; a no (or Enter) cancels with exit 1", async () => {
    const task = await taskctl(db.env, ["tasks", "create", "--user", "dora", "--title", "Read the manual", "--json"]);
    const { id } = task.json<{ id: string }>();

    const declined = new PtySession(db.env, ["users", "delete", "dora"]);
    await declined.answer('Delete user "dora" and their 1 task? This cannot be undone. [y/N]: ', "");
    await declined.waitFor("Operation cancelled.\n");
    expect(await declined.exit()).toBe(1);
    expect(await stored("dora")).not.toBeNull();

    const taskDeleted = new PtySession(db.env, ["tasks", "delete", id]);
    await taskDeleted.answer('Delete task "Read the manual" of "dora"? [y/N]: ', "maybe");
    await taskDeleted.waitFor('Please answer "y" or "n".\n');
    await taskDeleted.answer("[y/N]: ", "y");
    await taskDeleted.waitFor(`Task ${id} deleted.\n`);
    expect(await taskDeleted.exit()).toBe(0);

    const accepted = new PtySession(db.env, ["users", "delete", "dora"]);
    await accepted.answer("[y/N]: ", "yes");
    await accepted.waitFor('User "dora" and their 0 tasks deleted.\n');
    expect(await accepted.exit()).toBe(0);
    expect(await stored("dora")).toBeNull();
  });
});
