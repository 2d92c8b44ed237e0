import { randomUUID } from "node:crypto";
import { canonicalUsername, type User } from "@tasks/domain";
import {
  aUser,
  historyRepositoryContract,
  START,
  sessionRepositoryContract,
  type TaskRepositoryUnderTest,
  taskRepositoryContract,
  unitOfWorkContract,
  userRepositoryContract,
} from "@tasks/domain/testing";
import { createTestDatabase, describeWith, postgresAvailability } from "@tasks/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase, ormOf } from "../src/database.ts";
import { describeOnEngines, openTestDatabase, type TestDatabase } from "../testing/index.ts";

const t = { describe, it, beforeAll, afterAll, expect };

const postgres = await postgresAvailability();

/** The task contract's subject on `db`: owners are stored users, whose foreign key the contract checks. */
function taskSubject(db: Database): TaskRepositoryUnderTest {
  return {
    tasks: db.tasks,
    newOwner: async () => {
      const owner = aUser();
      await db.users.add(owner);
      return owner.id;
    },
    deleteOwner: async (id) => {
      await db.users.delete(id);
    },
  };
}

describeOnEngines(postgres, "repositories", (engine) => {
  let test: Promise<TestDatabase> | undefined;
  /** One database for the whole file, opened by whichever suite asks first. */
  const database = async (): Promise<Database> => {
    test ??= openTestDatabase(engine, { inMemory: true });
    return (await test).database;
  };
  afterAll(async () => {
    await (await test)?.close();
  });

  describe("UserRepository", () => userRepositoryContract(t, database));
  describe("TaskRepository", () =>
    taskRepositoryContract(t, async () => taskSubject(await database()), { checksOwners: true }));
  describe("SessionRepository", () => sessionRepositoryContract(t, database));
  describe("HistoryRepository", () => historyRepositoryContract(t, database));
  describe("UnitOfWork", () => unitOfWorkContract(t, database));

  describe("the database itself", () => {
    let db: Database;
    let owner: User;

    beforeAll(async () => {
      db = await database();
      owner = aUser();
      await db.users.add(owner);
    });

    /** Runs raw SQL, for checking what the database refuses whoever writes. */
    const sql = (statement: string, params: unknown[] = []) => ormOf(db).em.fork().execute(statement, params);
    const insertTask = (values: { owner?: string; title?: string; status?: string; description?: string }) =>
      sql(
        "insert into tasks (id, owner_id, title, description, status, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)",
        [
          randomUUID(),
          values.owner ?? owner.id,
          values.title ?? "fine",
          values.description ?? "",
          values.status ?? "todo",
          START,
          START,
        ],
      );

    it("answers a readiness ping", async () => {
      await expect(db.ping(5_000)).resolves.toBeUndefined();
    });

    it("accepts a valid row written by hand, so the refusals below are about the values", async () => {
      await expect(insertTask({})).resolves.toBeDefined();
    });

    it("refuses a status outside todo, doing, done", async () => {
      await expect(insertTask({ status: "blocked" })).rejects.toThrow(/task_status/);
    });

    it("refuses an empty title and one over 200 characters", async () => {
      await expect(insertTask({ title: "" })).rejects.toThrow(/tasks_title_length_check/);
      await expect(insertTask({ title: "x".repeat(201) })).rejects.toThrow(/tasks_title_length_check/);
      await expect(insertTask({ title: "x".repeat(200) })).resolves.toBeDefined();
    });

    it("refuses a description over 10,000 characters", async () => {
      await expect(insertTask({ description: "x".repeat(10_001) })).rejects.toThrow(/tasks_description_length_check/);
    });

    it("refuses a task whose owner does not exist", async () => {
      await expect(insertTask({ owner: randomUUID() })).rejects.toThrow(/tasks_owner_id_foreign/);
    });

    it("refuses a second user with the same username key", async () => {
      await expect(
        sql("insert into users (id, username, username_key, password_hash, date_joined) values (?, ?, ?, 'x', ?)", [
          randomUUID(),
          owner.username.toUpperCase(),
          canonicalUsername(owner.username),
          START,
        ]),
      ).rejects.toThrow(/users_username_key_unique/);
    });
  });
});

// The test servers' default collation is C, under which a query that forgets to name its
// collation orders and folds text as the port says by chance. On a database whose default
// is a language's ("zed" before "äa", not after as by code point) it would not.
describeWith(postgres)(
  "the user and task lists on a PostgreSQL database whose default collation is ICU's en-US",
  () => {
    let opened: Promise<{ database: Database; drop: () => Promise<void> }> | undefined;
    const database = async (): Promise<Database> => {
      opened ??= (async () => {
        const server = await createTestDatabase({ icuLocale: "en-US" });
        const db = await openDatabase({ url: server.url, poolSize: 5 });
        await db.migrate();
        return { database: db, drop: () => server.drop() };
      })();
      return (await opened).database;
    };
    afterAll(async () => {
      const test = await opened;
      await test?.database.close();
      await test?.drop();
    });

    describe("UserRepository", () => userRepositoryContract(t, database));
    describe("TaskRepository", () =>
      taskRepositoryContract(t, async () => taskSubject(await database()), { checksOwners: true }));
  },
);
