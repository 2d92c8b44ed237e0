import { aSession, aTask, aUser } from "@tasks/domain/testing";
import { describeWith, postgresAvailability } from "@tasks/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Database, openDatabase, ormOf } from "../src/database.ts";
import { openTestDatabase, type TestDatabase } from "../testing/index.ts";

describeWith(await postgresAvailability())("statements on PostgreSQL", () => {
  let test: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    test = await openTestDatabase("postgresql");
    // One connection, so that what it prepared is what the next question sees.
    db = await openDatabase({ url: test.options.url, poolSize: 1 });
  });
  afterAll(async () => {
    await db?.close();
    await test?.close();
  });

  /** The statements the one connection holds prepared, and how often each was used. */
  const prepared = async () =>
    (await ormOf(db).em.fork().execute("select statement from pg_prepared_statements where not from_sql")) as {
      statement: string;
    }[];

  it("are prepared once per connection and reused, each query shape under one name", async () => {
    const owner = aUser();
    await db.users.add(owner);
    for (let index = 0; index < 5; index++) await db.tasks.add(aTask({ ownerId: owner.id }));
    for (let index = 0; index < 5; index++) await db.users.findById(owner.id);

    const statements = (await prepared()).map((row) => row.statement);
    expect(statements.filter((text) => text.startsWith('insert into "tasks"'))).toHaveLength(1);
    expect(
      statements.filter(
        (text) => text.startsWith('select "id", "username"') && text.endsWith('from "users" where "id" = $1'),
      ),
    ).toHaveLength(1);
    expect(new Set(statements).size).toBe(statements.length);
  });

  // A deployment migrates while the old servers still run: their prepared statements must
  // survive a column they do not know, as `select *` would not ("cached plan must not change result type").
  it("keep answering after a migration adds a column to every table they read", async () => {
    const owner = aUser();
    await db.users.add(owner);
    const task = aTask({ ownerId: owner.id });
    await db.tasks.add(task);
    const session = aSession({ userId: owner.id });
    await db.sessions.add(session);
    const readAll = () =>
      Promise.all([
        db.users.findById(owner.id),
        db.users.findByUsername(owner.username),
        db.tasks.findById(task.id),
        db.tasks.list({ ownerId: owner.id }, { page: 1, pageSize: 20 }),
        db.sessions.findWithUser({ id: session.id }),
        db.sessions.findStateWithUser({ id: session.id }),
        db.sessions.listLive(owner.id, session.createdAt),
      ]);
    await readAll();
    for (const table of ["users", "tasks", "sessions"])
      await ormOf(test.database).em.fork().execute(`alter table ${table} add column added_later integer`);

    const [byId, byName, found, listed, withUser, stateWithUser, live] = await readAll();
    expect([byId?.id, byName?.id, found?.id, listed.items.map((each) => each.id)]).toEqual([
      owner.id,
      owner.id,
      task.id,
      [task.id],
    ]);
    expect([
      withUser?.session.id,
      withUser?.user.id,
      stateWithUser?.session.id,
      stateWithUser?.user.id,
      live.map((each) => each.id),
    ]).toEqual([session.id, owner.id, session.id, owner.id, [session.id]]);
  });
});
