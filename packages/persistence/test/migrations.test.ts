import { randomUUID } from "node:crypto";
import { SchemaNotMigrated } from "@tasks/domain";
import { aTask, aUser } from "@tasks/domain/testing";
import { createTestDatabase, describeWith, postgresAvailability } from "@tasks/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Database, type Engine, ormOf } from "../src/database.ts";
import { openDatabase } from "../src/index.ts";
import { MIGRATIONS } from "../src/migrations/index.ts";
import { describeOnEngines, openTestDatabase, type TestDatabase } from "../testing/index.ts";

const ALL_MIGRATIONS = MIGRATIONS.map((migration) => migration.name);

function migrationContract(engine: Engine): void {
  let test: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    test = await openTestDatabase(engine, { inMemory: true });
    db = test.database;
  });
  afterAll(async () => {
    await test?.close();
  });

  it("has applied every committed migration and has none pending", async () => {
    expect(ALL_MIGRATIONS.length).toBeGreaterThan(0);
    expect(await db.migrationStatus()).toEqual({ applied: ALL_MIGRATIONS, pending: [] });
  });

  it("leaves no difference between the migrated schema and the entity schemas", async () => {
    const orm = ormOf(db);
    expect(await orm.schema.getUpdateSchemaSQL({ wrap: false })).toBe("");
  });

  it("applies nothing when run again", async () => {
    expect(await db.migrate()).toEqual({ applied: [] });
    expect(await db.migrate()).toEqual({ applied: [] });
    expect((await db.migrationStatus()).applied).toEqual(ALL_MIGRATIONS);
  });

  it("describes the tables the domain needs, with snake_case columns", async () => {
    const columns = (await ormOf(db)
      .em.fork()
      .execute(
        "select table_name, column_name, data_type, is_nullable from information_schema.columns " +
          "where table_schema = 'public' and table_name in ('users', 'tasks', 'sessions', 'history_entries') order by table_name, column_name",
      )) as { table_name: string; column_name: string; data_type: string; is_nullable: string }[];
    const described = columns.map(
      (c) => `${c.table_name}.${c.column_name} ${c.data_type} ${c.is_nullable === "YES" ? "null" : "not null"}`,
    );
    expect(described).toEqual([
      "history_entries.action text not null",
      "history_entries.action_time timestamp with time zone not null",
      "history_entries.change_message text not null",
      "history_entries.id uuid not null",
      "history_entries.object_id text not null",
      "history_entries.object_repr character varying not null",
      "history_entries.object_type text not null",
      "history_entries.user_id uuid null",
      "history_entries.username text not null",
      "sessions.access_token_id uuid null",
      "sessions.created_at timestamp with time zone not null",
      "sessions.ends_at timestamp with time zone not null",
      "sessions.expires_at timestamp with time zone not null",
      "sessions.id uuid not null",
      "sessions.ip_address text null",
      "sessions.issued_at timestamp with time zone null",
      "sessions.key_hash text null",
      "sessions.kind text not null",
      "sessions.last_used_at timestamp with time zone not null",
      "sessions.refresh_token_id uuid null",
      "sessions.revocation_reason text null",
      "sessions.revoked_at timestamp with time zone null",
      "sessions.rotated_from uuid null",
      "sessions.token_version integer null",
      "sessions.user_agent text null",
      "sessions.user_id uuid not null",
      "tasks.created_at timestamp with time zone not null",
      "tasks.description text not null",
      "tasks.id uuid not null",
      "tasks.owner_id uuid not null",
      "tasks.status USER-DEFINED not null",
      "tasks.title text not null",
      "tasks.updated_at timestamp with time zone not null",
      "users.date_joined timestamp with time zone not null",
      "users.email text not null",
      "users.id uuid not null",
      "users.is_active boolean not null",
      "users.is_staff boolean not null",
      "users.is_superuser boolean not null",
      "users.last_login timestamp with time zone null",
      "users.password_hash text not null",
      "users.token_version integer not null",
      "users.username text not null",
      "users.username_key text not null",
    ]);
  });
}

/** A new database of `engine` that nothing has migrated yet, and how to get rid of it. */
async function openUnmigrated(engine: Engine): Promise<{ db: Database; drop: () => Promise<void> }> {
  if (engine === "pglite") return { db: await openDatabase({}), drop: async () => {} };
  const server = await createTestDatabase();
  return { db: await openDatabase({ url: server.url, poolSize: 2 }), drop: () => server.drop() };
}

/** The username_key migration on a database migrated to the one before it, holding users already. */
function usernameKeyMigration(engine: Engine): void {
  const INITIAL = "Migration20261124095559_initial";
  let db: Database;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    ({ db, drop } = await openUnmigrated(engine));
  });
  afterAll(async () => {
    await db?.close();
    await drop?.();
  });

  it("reports a database that was never migrated as SchemaNotMigrated", async () => {
    await expect(db.users.count()).rejects.toBeInstanceOf(SchemaNotMigrated);
    await expect(db.tasks.findById(randomUUID())).rejects.toMatchObject({ code: "SCHEMA_NOT_MIGRATED" });
  });

  // A millisecond apart, so the migration's order (by date joined) is the order of insertion.
  let joined = Date.now();
  async function insertUser(username: string): Promise<void> {
    joined += 1;
    await ormOf(db)
      .em.fork()
      .execute("insert into users (id, username, password_hash, date_joined) values (?, ?, 'x', ?)", [
        randomUUID(),
        username,
        new Date(joined),
      ]);
  }

  it("keys the users already there with the domain's canonical form", async () => {
    await ormOf(db).migrator.up({ to: INITIAL });
    for (const username of ["Straße", "İRIS", "Ａｌｉｃｅ"]) await insertUser(username);

    await db.migrate();

    for (const username of ["STRASSE", "i\u0307ris", "ALICE"])
      expect(await db.users.findByUsername(username)).toMatchObject({ username: expect.any(String) });
    expect(await db.users.findByUsername("iris")).toBeNull();
  });

  it("stops, changing nothing, on two users whose names fold to one", async () => {
    await ormOf(db).migrator.down({ to: INITIAL });
    await insertUser("ΣΟΦΟΣ");
    await insertUser("σοφος");

    await expect(db.migrate()).rejects.toThrow(/ΣΟΦΟΣ and σοφος/);

    expect((await db.migrationStatus()).pending).toEqual(ALL_MIGRATIONS.filter((name) => name !== INITIAL));
    const columns = await ormOf(db)
      .em.fork()
      .execute(
        "select column_name from information_schema.columns where table_name = 'users' and column_name = 'username_key'",
      );
    expect(columns).toEqual([]);
  });
}

/** A database of the suite's own, migrated up to `migration` and no further. */
function migratedUpTo(engine: Engine, migration: string): () => Database {
  let db: Database | undefined;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ db, drop } = await openUnmigrated(engine));
    await ormOf(db).migrator.up({ to: migration });
  });
  afterAll(async () => {
    await db?.close();
    await drop?.();
  });
  return () => {
    if (db === undefined) throw new Error("the database is opened in beforeAll");
    return db;
  };
}

/** The logins migration on a database holding token logins of the schema before it. */
function loginsMigration(engine: Engine): void {
  const database = migratedUpTo(engine, "Migration20261127095608_username_key");

  it("keeps the token logins already there working, as logins of unknown token version", async () => {
    const db = database();
    const [userId, sessionId, refreshTokenId] = [randomUUID(), randomUUID(), randomUUID()];
    const createdAt = new Date("2026-11-20T10:00:00.000Z");
    const sql = (statement: string, params: unknown[]) => ormOf(db).em.fork().execute(statement, params);
    await sql(
      "insert into users (id, username, username_key, password_hash, date_joined, token_version) values (?, 'old', 'old', 'x', ?, 2)",
      [userId, createdAt],
    );
    await sql("insert into sessions (id, user_id, refresh_token_id, created_at, expires_at) values (?, ?, ?, ?, ?)", [
      sessionId,
      userId,
      refreshTokenId,
      createdAt,
      new Date("2026-11-27T10:00:00.000Z"),
    ]);

    await db.migrate();

    expect(await db.sessions.findWithUser({ id: sessionId })).toMatchObject({
      session: {
        kind: "token",
        refreshTokenId,
        tokenVersion: null,
        lastUsedAt: createdAt,
        endsAt: new Date("2026-12-20T10:00:00.000Z"),
        revokedAt: null,
      },
      user: { id: userId, tokenVersion: 2 },
    });
    // The guard's read: a login from before versions were recorded, live until its end.
    expect(await db.sessions.findStateWithUser({ id: sessionId })).toMatchObject({
      session: { kind: "token", tokenVersion: null, lastUsedAt: createdAt, revokedAt: null },
      user: { id: userId, tokenVersion: 2 },
    });
  });
}

/** The task_counts migration on a database holding tasks already. */
function taskCountsMigration(engine: Engine): void {
  const database = migratedUpTo(engine, "Migration20261127110457_logins");

  it("counts the tasks already there, and keeps counting after", async () => {
    const db = database();
    const owner = aUser();
    await db.users.add(owner);
    for (const status of ["todo", "done", "done"] as const) await db.tasks.add(aTask({ ownerId: owner.id, status }));

    await db.migrate();
    await db.tasks.add(aTask({ ownerId: owner.id, status: "doing" }));

    const counts = await ormOf(db)
      .em.fork()
      .execute("select status, count from task_counts where owner_id = ? order by status", [owner.id]);
    expect(counts.map((row) => [row.status, Number(row.count)])).toEqual([
      ["todo", 1],
      ["doing", 1],
      ["done", 2],
    ]);
  });
}

/** The task_count_shards migration, up and down, on a database holding counts already. */
function taskCountShardsMigration(engine: Engine): void {
  const database = migratedUpTo(engine, "Migration20261127154912_history_entries");
  const countsOf = async (db: Database, ownerId: string) =>
    (
      await ormOf(db)
        .em.fork()
        .execute(
          "select status, sum(count) as count from task_counts where owner_id = ? group by status order by status",
          [ownerId],
        )
    ).map((row) => [row.status, Number(row.count)]);

  it("keeps the counts there, sums the shards written after, and folds them back into one row going down", async () => {
    const db = database();
    const owner = aUser();
    await db.users.add(owner);
    const tasks = [aTask({ ownerId: owner.id }), aTask({ ownerId: owner.id, status: "done" })];
    for (const task of tasks) await db.tasks.add(task);

    await db.migrate();
    // Another connection's shard, as if it had created two more tasks.
    await ormOf(db)
      .em.fork()
      .execute("insert into task_counts (owner_id, status, shard, count) values (?, 'todo', 17, 2)", [owner.id]);
    await db.tasks.delete(tasks[0]?.id as string, owner.id);
    expect(await countsOf(db, owner.id)).toEqual([
      ["todo", 2],
      ["done", 1],
    ]);

    await ormOf(db).migrator.down({ to: "Migration20261127154912_history_entries" });
    expect(await countsOf(db, owner.id)).toEqual([
      ["todo", 2],
      ["done", 1],
    ]);
    await db.tasks.add(aTask({ ownerId: owner.id, status: "done" }));
    const rows = await ormOf(db)
      .em.fork()
      .execute("select status, count from task_counts where owner_id = ? order by status", [owner.id]);
    expect(rows.map((row) => [row.status, Number(row.count)])).toEqual([
      ["todo", 2],
      ["done", 2],
    ]);
  });
}

const postgres = await postgresAvailability();
describeOnEngines(postgres, "migrations", migrationContract);
describeOnEngines(postgres, "the username_key migration", usernameKeyMigration);
describeOnEngines(postgres, "the logins migration", loginsMigration);
describeOnEngines(postgres, "the task_counts migration", taskCountsMigration);
describeOnEngines(postgres, "the task_count_shards migration", taskCountShardsMigration);

describeWith(postgres)("migrations on an empty PostgreSQL database", () => {
  it("apply once when two processes migrate at the same time", async () => {
    const server = await createTestDatabase();
    const [first, second] = [await openDatabase({ url: server.url }), await openDatabase({ url: server.url })];
    try {
      const results = await Promise.all([first.migrate(), second.migrate()]);
      expect(results.map((result) => result.applied).sort()).toEqual([[], ALL_MIGRATIONS]);
      expect(await first.migrationStatus()).toEqual({ applied: ALL_MIGRATIONS, pending: [] });
    } finally {
      await first.close();
      await second.close();
      await server.drop();
    }
  });
});
