import { Argon2PasswordHasher } from "@tasks/security";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEED_PASSWORD } from "../src/commands/seed.ts";
import { bulkEngine, openTaskctlDatabase, type TaskctlDatabase } from "./support/databases.ts";
import { expectFailure, taskctl } from "./support/taskctl.ts";

// The real binary, each command in its own process, as a person runs it. What a command
// prints and refuses is pinned in process, on the domain's fakes (users.test.ts,
// tasks.test.ts, seed.test.ts, cli.test.ts); here each command group runs once end to end
// on a real database, with the real password hasher and clock.

const PASSWORD = "long secret words";
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe("the taskctl binary without a database", () => {
  // Nothing listens on port 1: a connection is refused at once.
  const REFUSED = { DATABASE_URL: "postgres://postgres@127.0.0.1:1/tasks" };

  it("exits 0 after help and 2 after a usage error, with one line on stderr", async () => {
    const help = await taskctl(REFUSED, ["--help"]);
    expect(help).toMatchObject({ code: 0, stderr: "" });
    expect(help.stdout).toContain("Usage: taskctl <command>");
    expectFailure(
      await taskctl(REFUSED, ["users", "deactivate"]),
      2,
      'taskctl users deactivate: missing argument <username> (see "taskctl users deactivate --help")',
    );
  });
});

const engine = await bulkEngine();

describe(`the taskctl binary on ${engine}`, () => {
  let db: TaskctlDatabase;
  const run = (args: string[], input?: string) => taskctl(db.env, args, input);
  const stored = (username: string) => db.database.users.findByUsername(username);
  const hasher = new Argon2PasswordHasher();

  beforeAll(async () => {
    db = await openTaskctlDatabase(engine);
  });
  afterAll(async () => {
    await db?.close();
  });

  it("seed fills the fresh database with users who have the printed password, and their tasks", async () => {
    const result = await run(["seed", "--users", "2", "--tasks", "3", "--json"]);
    expect(result.stderr).toBe("");
    const seeded = result.json<{ users: { username: string; password: string; tasks: number }[]; tasks: number }>();
    expect(seeded).toMatchObject({
      users: [
        { username: "alice", password: SEED_PASSWORD, tasks: 2 },
        { username: "bob", password: SEED_PASSWORD, tasks: 1 },
      ],
      tasks: 3,
    });
    expect(await hasher.verify((await stored("alice"))?.passwordHash ?? "", SEED_PASSWORD)).toBe(true);
    expect((await db.database.tasks.list({}, { page: 1, pageSize: 100 })).count).toBe(3);
  });

  it("createsuperuser makes an active staff superuser from TASKCTL_PASSWORD", async () => {
    const result = await taskctl({ ...db.env, TASKCTL_PASSWORD: PASSWORD }, [
      "createsuperuser",
      "--no-input",
      "--username",
      "root",
      "--email",
      "root@example.com",
    ]);
    expect(result).toMatchObject({ code: 0, stdout: "Superuser created successfully.\n", stderr: "" });
    const root = await stored("root");
    expect(root).toMatchObject({ email: "root@example.com", isStaff: true, isSuperuser: true, isActive: true });
    expect(await hasher.verify(root?.passwordHash ?? "", PASSWORD)).toBe(true);
  });

  it("users create, list, set-password, deactivate, activate and delete a user and their tasks", async () => {
    const created = await run(
      ["users", "create", "carol", "--email", "carol@example.com", "--password-stdin", "--json"],
      `${PASSWORD}\n`,
    );
    expect(created.stderr).toBe("");
    expect(created.json()).toMatchObject({ username: "carol", is_active: true, last_login: null });
    expect(created.json<{ date_joined: string }>().date_joined).toMatch(ISO_TIME);
    const carol = await stored("carol");
    expect(await hasher.verify(carol?.passwordHash ?? "", PASSWORD)).toBe(true);
    expectFailure(
      await run(["users", "create", "CAROL", "--password-stdin"], PASSWORD),
      1,
      "taskctl users create: username: A user with that username already exists.",
    );

    const table = await run(["users", "list"]);
    expect(table.stdout.split("\n")[4]).toMatch(
      new RegExp(
        `^${carol?.id}\\s+carol\\s+carol@example\\.com\\s+no\\s+yes\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\s+-$`,
      ),
    );
    expect(table.stdout.trimEnd().split("\n").at(-1)).toBe("(4 users)");

    expect((await run(["users", "set-password", "CAROL", "--password-stdin"], "a brand new secret")).code).toBe(0);
    const changed = await stored("carol");
    expect(await hasher.verify(changed?.passwordHash ?? "", "a brand new secret")).toBe(true);
    expect(changed?.tokenVersion).toBe((carol?.tokenVersion ?? 0) + 1);

    expect((await run(["users", "deactivate", "carol"])).stdout).toBe('User "carol" deactivated.\n');
    expect(await stored("carol")).toMatchObject({ isActive: false, tokenVersion: (carol?.tokenVersion ?? 0) + 2 });
    expect((await run(["users", "activate", "carol", "--json"])).json()).toMatchObject({ is_active: true });
    expect((await stored("carol"))?.isActive).toBe(true);

    expect((await run(["tasks", "create", "--user", "carol", "--title", "Water the plants"])).code).toBe(0);
    const deleted = await run(["users", "delete", "carol", "--yes"]);
    expect(deleted).toMatchObject({ code: 0, stdout: 'User "carol" and their 1 task deleted.\n', stderr: "" });
    expect(await stored("carol")).toBeNull();
    expect((await db.database.tasks.list({}, { page: 1, pageSize: 100 })).count).toBe(3);
  });

  it("tasks create, list newest first, filter, update and delete a task, and name a malformed id", async () => {
    const create = (title: string, ...options: string[]) =>
      run(["tasks", "create", "--user", "ROOT", "--title", title, ...options, "--json"]);
    const first = (await create("  Renew the passport  ", "--description", "Before the end of the month.")).json<{
      id: string;
      created_at: string;
      updated_at: string;
    }>();
    expect(first).toMatchObject({ title: "Renew the passport", owner: "root", status: "todo" });
    expect(first.created_at).toMatch(ISO_TIME);
    const second = (await create("Pay the bill", "--status", "doing")).json<{ id: string }>();

    const table = await run(["tasks", "list", "--user", "root"]);
    expect(table.stdout.split("\n").slice(1, 3)).toEqual([
      expect.stringMatching(new RegExp(`^${second.id}\\s+Pay the bill\\s+root\\s+doing\\s`)),
      expect.stringMatching(new RegExp(`^${first.id}\\s+Renew the passport\\s+root\\s+todo\\s`)),
    ]);
    const titles = async (...filters: string[]) =>
      (await run(["tasks", "list", ...filters, "--json"]))
        .json<{ results: { title: string }[] }>()
        .results.map((task) => task.title);
    expect(await titles("--search", "END OF THE", "--status", "todo,done", "--user", "root")).toEqual([
      "Renew the passport",
    ]);

    const updated = (await run(["tasks", "update", first.id, "--status", "done", "--json"])).json<{
      updated_at: string;
    }>();
    expect(updated).toMatchObject({ id: first.id, status: "done", owner: "root", created_at: first.created_at });
    expect(Date.parse(updated.updated_at)).toBeGreaterThan(Date.parse(first.updated_at));

    expect((await run(["tasks", "delete", first.id, "--yes"])).stdout).toBe(`Task ${first.id} deleted.\n`);
    expect(await titles("--user", "root")).toEqual(["Pay the bill"]);
    // PostgreSQL would refuse it as a uuid: the repositories answer "no such task" instead.
    expectFailure(
      await run(["tasks", "update", "not-an-id", "--status", "done"]),
      1,
      'taskctl tasks update: No task with id "not-an-id".',
    );
  });
});
