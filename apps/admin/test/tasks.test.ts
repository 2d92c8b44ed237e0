import { minutes } from "@tasks/domain/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { FakeTaskctl } from "./support/in-process.ts";
import { expectFailure } from "./support/taskctl.ts";

const TASK_KEYS = ["created_at", "description", "id", "owner", "status", "title", "updated_at"];

interface TaskJson {
  id: string;
  title: string;
  description: string;
  status: string;
  owner: string;
  created_at: string;
  updated_at: string;
}

// In process, on the domain's fakes, whose clock moves only when a test moves it: the same
// commands on a real database, from the real binary, are in commands.test.ts.
describe("taskctl tasks", () => {
  let taskctl: FakeTaskctl;
  const run = (args: string[], input?: string) => taskctl.run(args, input);
  const list = async (...filters: string[]) =>
    (await run(["tasks", "list", ...filters, "--json"])).json<{ results: TaskJson[] }>().results;
  const later = () => taskctl.ports.clock.advance(minutes(1));
  let passport: TaskJson;

  beforeAll(async () => {
    taskctl = new FakeTaskctl();
    for (const username of ["alice", "bob"]) {
      const created = await run(["users", "create", username, "--password-stdin"], "long secret words");
      expect(created.code).toBe(0);
    }
  });

  it("creates a task for a user, trimming the title, and prints it as JSON with its owner", async () => {
    const result = await run([
      "tasks",
      "create",
      "--user",
      "ALICE",
      "--title",
      "  Renew the passport  ",
      "--description",
      "Before the end of the month.",
      "--status",
      "doing",
      "--json",
    ]);
    expect(result.stderr).toBe("");
    passport = result.json<TaskJson>();
    expect(Object.keys(passport).sort()).toEqual(TASK_KEYS);
    expect(passport).toMatchObject({
      title: "Renew the passport",
      description: "Before the end of the month.",
      status: "doing",
      owner: "alice",
    });
    expect(passport.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(passport.updated_at).toBe(passport.created_at);
    later();
    const plain = await run(["tasks", "create", "--user", "bob", "--title", "Water the plants"]);
    expect(plain.stdout).toMatch(/^Task [0-9a-f-]{36} created for "bob"\.\n$/);
  });

  it("lists every task newest first, as a table with id, title, owner, status, created and updated", async () => {
    const table = await run(["tasks", "list"]);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]?.split(/\s{2,}/)).toEqual(["ID", "TITLE", "OWNER", "STATUS", "CREATED", "UPDATED"]);
    expect(lines[1]).toMatch(
      /^[0-9a-f-]{36}\s+Water the plants\s+bob\s+todo\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+\d{4}-\d\d-\d\d \d\d:\d\d$/,
    );
    expect(lines[2]).toMatch(new RegExp(`^${passport.id}\\s+Renew the passport\\s+alice\\s+doing\\s`));
    expect(lines.at(-1)).toBe("(2 tasks)");
  });

  it("filters by owner, by a list of statuses and by text in the title or description", async () => {
    expect((await list("--user", "bob")).map((task) => task.title)).toEqual(["Water the plants"]);
    expect((await list("--status", "todo,done")).map((task) => task.title)).toEqual(["Water the plants"]);
    expect((await list("--search", "END OF THE")).map((task) => task.id)).toEqual([passport.id]);
    expect(await list("--user", "alice", "--status", "todo")).toEqual([]);
  });

  it("updates only the given fields, moving updated_at and never created_at", async () => {
    later();
    const result = await run(["tasks", "update", passport.id, "--status", "done", "--json"]);
    expect(result.stderr).toBe("");
    const updated = result.json<TaskJson>();
    expect(updated).toMatchObject({
      id: passport.id,
      title: "Renew the passport",
      description: "Before the end of the month.",
      status: "done",
      owner: "alice",
      created_at: passport.created_at,
    });
    expect(Date.parse(updated.updated_at)).toBeGreaterThan(Date.parse(passport.updated_at));
    const plain = await run(["tasks", "update", passport.id, "--title", "Renew both passports"]);
    expect(plain.stdout).toBe(`Task ${passport.id} updated: "Renew both passports".\n`);
    expect((await list("--search", "both")).map((task) => task.status)).toEqual(["done"]);
  });

  it("names an owner deleted between its look-up and the task's insert as unknown, and writes nothing", async () => {
    const racing = new FakeTaskctl();
    expect((await racing.run(["users", "create", "carol", "--password-stdin"], "long secret words")).code).toBe(0);
    const { ports } = racing;
    ports.tasks.users = ports.users;
    const find = ports.users.findByUsername.bind(ports.users);
    ports.users.findByUsername = async (username) => {
      const user = await find(username);
      if (user !== null) await ports.users.delete(user.id);
      return user;
    };

    expectFailure(
      await racing.run(["tasks", "create", "--user", "carol", "--title", "Too late"]),
      1,
      'taskctl tasks create: No user named "carol".',
    );
    expect((await ports.tasks.list({}, { page: 1, pageSize: 10 })).count).toBe(0);
  });

  it("refuses an invalid status, an empty title or an unknown owner with the domain's message and writes nothing", async () => {
    expectFailure(
      await run(["tasks", "create", "--user", "bob", "--title", "Fine", "--status", "someday"]),
      1,
      'taskctl tasks create: status: "someday" is not a valid choice. Choose among: todo, doing, done.',
    );
    expectFailure(
      await run(["tasks", "create", "--user", "bob", "--title", "   "]),
      1,
      "taskctl tasks create: title: This field may not be blank.",
    );
    expectFailure(
      await run(["tasks", "create", "--user", "ghost", "--title", "Fine"]),
      1,
      'taskctl tasks create: No user named "ghost".',
    );
    expectFailure(
      await run(["tasks", "update", passport.id, "--title", ""]),
      1,
      "taskctl tasks update: title: This field may not be blank.",
    );
    expectFailure(
      await run(["tasks", "list", "--status", "todo,someday"]),
      1,
      'taskctl tasks list: status: "someday" is not a valid choice. Choose among: todo, doing, done.',
    );
    expect((await list()).map((task) => task.title)).toEqual(["Water the plants", "Renew both passports"]);
  });

  it("shows one page at a time with the total, and names a page or limit it cannot show", async () => {
    const page = (await run(["tasks", "list", "--limit", "1", "--page", "2", "--json"])).json<{
      count: number;
      page: number;
      limit: number;
      results: TaskJson[];
    }>();
    expect({ ...page, results: page.results.map((task) => task.title) }).toEqual({
      count: 2,
      page: 2,
      limit: 1,
      results: ["Renew both passports"],
    });
    const table = await run(["tasks", "list", "--limit", "1"]);
    expect(table.stdout.trimEnd().split("\n").at(-1)).toBe("(1 of 2 tasks, page 1 of 2; --page 2 for the next)");
    expectFailure(
      await run(["tasks", "list", "--limit", "1", "--page", "3"]),
      1,
      "taskctl tasks list: there is no page 3: the list has fewer pages",
    );
    expectFailure(
      await run(["tasks", "list", "--limit", "0"]),
      1,
      "taskctl tasks list: limit: A limit must be a whole number of at least 1.",
    );
    expectFailure(
      await run(["tasks", "list", "--page", "two"]),
      2,
      'taskctl tasks list: --page expects a whole number of at least 1, got "two" (see "taskctl tasks list --help")',
    );
  });

  it("names an unknown or malformed task id", async () => {
    for (const id of ["01a20cfa-588f-75b3-9b27-148f912c493e", "not-an-id"]) {
      expectFailure(
        await run(["tasks", "update", id, "--status", "done"]),
        1,
        `taskctl tasks update: No task with id "${id}".`,
      );
      expectFailure(await run(["tasks", "delete", id, "--yes"]), 1, `taskctl tasks delete: No task with id "${id}".`);
    }
  });

  it("deletes a task with --yes and prints what it deleted", async () => {
    const result = await run(["tasks", "delete", passport.id, "--yes", "--json"]);
    expect(result.json()).toMatchObject({ id: passport.id, title: "Renew both passports", owner: "alice" });
    expect((await list()).map((task) => task.title)).toEqual(["Water the plants"]);
  });
});
