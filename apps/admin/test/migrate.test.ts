import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, describeWith, postgresAvailability, type TestDatabase } from "@tasks/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Env, expectFailure, taskctl } from "./support/taskctl.ts";

const MIGRATION_NAME = /^Migration\d{14}_\w+$/;

describeWith(await postgresAvailability())("taskctl migrate on a new PostgreSQL database", () => {
  let database: TestDatabase;
  let pending: string[];
  const env = (): Env => ({ DATABASE_URL: database.url });
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("refuses to work on an unmigrated database and says to run migrate", async () => {
    expectFailure(
      await taskctl(env(), ["users", "list"]),
      1,
      'taskctl users list: the database has no tables yet: run "taskctl migrate" first',
    );
  });

  it("lists the pending migrations with --status, applies them, and then has none pending", async () => {
    const before = await taskctl(env(), ["migrate", "--status", "--json"]);
    expect(before.stderr).toBe("");
    ({ pending } = before.json<{ applied: string[]; pending: string[] }>());
    expect(before.json()).toEqual({ applied: [], pending });
    expect(pending.length).toBeGreaterThan(0);
    for (const name of pending) expect(name).toMatch(MIGRATION_NAME);

    const applied = await taskctl(env(), ["migrate"]);
    expect(applied).toMatchObject({ code: 0, stderr: "" });
    expect(applied.stdout).toBe(`Running migrations:\n${pending.map((name) => `  Applying ${name}... OK\n`).join("")}`);

    const status = await taskctl(env(), ["migrate", "--status"]);
    expect(status.stdout).toBe(pending.map((name) => ` [X] ${name}\n`).join(""));
  });

  it("applies nothing when run again", async () => {
    expect((await taskctl(env(), ["migrate", "--json"])).json()).toEqual({ applied: [] });
    expect((await taskctl(env(), ["migrate"])).stdout).toBe("No migrations to apply.\n");
  });

  it("then serves the other commands", async () => {
    const created = await taskctl(env(), ["users", "create", "alice", "--password-stdin"], "long secret words");
    expect(created).toMatchObject({ code: 0, stdout: 'User "alice" created.\n' });
    expect(
      (await taskctl(env(), ["users", "list", "--json"])).json<{ results: { username: string }[] }>().results,
    ).toMatchObject([{ username: "alice" }]);
  });
});

// Starting PGlite takes 5 to 30 seconds on a busy machine, and every command here starts it.
describe("taskctl on a new embedded database, with no server running", { timeout: 180_000 }, () => {
  // Each command here starts PGlite itself on the files in DATA_DIR, the slowest way
  // taskctl runs (seconds each): a short day one, the rest is covered through the socket.
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "taskctl-alone-"));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("creates and migrates the database, then creates and lists users in it", async () => {
    const env = { DATA_DIR: dataDir };
    const migrated = await taskctl(env, ["migrate", "--json"]);
    expect(migrated.stderr).toBe("");
    const { applied } = migrated.json<{ applied: string[] }>();
    expect(applied.length).toBeGreaterThan(0);
    for (const name of applied) expect(name).toMatch(MIGRATION_NAME);
    const created = await taskctl(env, ["users", "create", "alice", "--password-stdin"], "long secret words");
    expect(created).toMatchObject({ code: 0, stdout: 'User "alice" created.\n' });
    expect(
      (await taskctl(env, ["users", "list", "--json"])).json<{ results: { username: string }[] }>().results,
    ).toMatchObject([{ username: "alice" }]);
  });
});
