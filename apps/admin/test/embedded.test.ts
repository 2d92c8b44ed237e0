import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTaskctlDatabase, type TaskctlDatabase } from "./support/databases.ts";
import { expectFailure, taskctl } from "./support/taskctl.ts";

// The test process holds the embedded database and shares it over its socket, as the API
// server does; every command below reaches it from its own process, as taskctl does then.
describe("taskctl on the embedded database while another process serves it", () => {
  let db: TaskctlDatabase;
  const run = (args: string[], input?: string) => taskctl(db.env, args, input);

  beforeAll(async () => {
    db = await openTaskctlDatabase("pglite");
  });
  afterAll(async () => {
    await db?.close();
  });

  it("finds the database migrated by its holder and applies nothing", async () => {
    expect((await run(["migrate", "--json"])).json()).toEqual({ applied: [] });
  });

  it("creates, lists, changes and deletes users and tasks, and reports errors the same way", async () => {
    const alice = await run(["users", "create", "alice", "--password-stdin", "--json"], "long secret words");
    expect(alice.json()).toMatchObject({ username: "alice", is_active: true });
    expectFailure(
      await run(["users", "create", "Alice", "--password-stdin"], "long secret words"),
      1,
      "taskctl users create: username: A user with that username already exists.",
    );

    const { id } = (await run(["tasks", "create", "--user", "alice", "--title", "Pay the bill", "--json"])).json<{
      id: string;
    }>();
    const updated = await run(["tasks", "update", id, "--status", "done", "--json"]);
    expect(updated.json()).toMatchObject({ id, status: "done", owner: "alice" });
    expect(
      (await run(["tasks", "list", "--status", "done", "--json"])).json<{ results: unknown[] }>().results,
    ).toMatchObject([{ id }]);
    expect((await run(["tasks", "delete", id, "--yes"])).stdout).toBe(`Task ${id} deleted.\n`);

    expect((await run(["users", "deactivate", "alice", "--json"])).json()).toMatchObject({ is_active: false });
    expect((await run(["users", "delete", "alice", "--yes"])).code).toBe(0);
    expect((await run(["users", "list", "--json"])).json<{ results: unknown[] }>().results).toEqual([]);
  });
});
