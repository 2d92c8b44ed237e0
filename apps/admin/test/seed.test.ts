import { beforeAll, describe, expect, it } from "vitest";
import { SEED_PASSWORD } from "../src/commands/seed.ts";
import { FakeTaskctl } from "./support/in-process.ts";
import { type Env, expectFailure } from "./support/taskctl.ts";

interface Seeded {
  users: { id: string; username: string; password: string; tasks: number }[];
  tasks: number;
}

// In process, on the domain's fakes: seed on a real database, from the real binary, is in
// commands.test.ts.
describe("taskctl seed", () => {
  let taskctl: FakeTaskctl;
  const run = (args: string[], env: Env = {}) => taskctl.run(args, "", env);

  beforeAll(() => {
    taskctl = new FakeTaskctl();
  });

  it("fills a fresh database with users who can log in with the printed password, and tasks of every status", async () => {
    const result = await run(["seed", "--json"]);
    expect(result.stderr).toBe("");
    const seeded = result.json<Seeded>();
    expect(seeded.users.map((user) => user.username)).toEqual(["alice", "bob", "carol"]);
    expect(seeded.tasks).toBe(24);
    expect(seeded.users.map((user) => user.tasks)).toEqual([8, 8, 8]);
    const alice = await taskctl.ports.users.findByUsername("alice");
    expect(seeded.users[0]?.password).toBe(SEED_PASSWORD);
    expect(await taskctl.ports.hasher.verify(alice?.passwordHash ?? "", SEED_PASSWORD)).toBe(true);

    const tasks = (await run(["tasks", "list", "--json"])).json<{
      results: { status: string; owner: string; title: string }[];
    }>().results;
    expect(tasks).toHaveLength(24);
    const withStatus = (status: string) => tasks.filter((task) => task.status === status).length;
    expect(["todo", "doing", "done"].map(withStatus)).toEqual([12, 6, 6]);
    expect(new Set(tasks.map((task) => task.title)).size).toBe(24);
  });

  it("refuses a database that already has users, and adds new names with --force", async () => {
    expectFailure(
      await run(["seed"]),
      1,
      "taskctl seed: the database already has 3 users: seed is for a fresh database (pass --force to add sample users anyway)",
    );
    const forced = await run(["seed", "--force", "--users", "2", "--tasks", "3"]);
    expect(forced.code).toBe(0);
    expect(forced.stdout.split("\n")).toEqual([
      "Created 2 users and 3 tasks. Log in with:",
      "USERNAME  PASSWORD     TASKS",
      `dave      ${SEED_PASSWORD}  2`,
      `erin      ${SEED_PASSWORD}  1`,
      "",
    ]);
    expect((await run(["users", "list", "--json"])).json<{ results: unknown[] }>().results).toHaveLength(5);
  });

  it("never runs in production, where a known password would be a way in", async () => {
    expectFailure(
      await run(["seed", "--force"], {
        NODE_ENV: "production",
        DATABASE_URL: "postgres://app@db.example.com/tasks",
        JWT_SECRET: "x".repeat(32),
        ALLOWED_HOSTS: "tasks.example.com",
      }),
      1,
      "taskctl seed: seed makes users whose password is known: it does not run with NODE_ENV=production",
    );
    expect((await run(["users", "list", "--json"])).json<{ results: unknown[] }>().results).toHaveLength(5);
  });
});
