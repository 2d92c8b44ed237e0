import { aTask, aUser } from "@tasks/domain/testing";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ormOf } from "../src/database.ts";
import type { RecordsDatabase } from "../src/records/index.ts";
import { CompiledQueries } from "../src/repositories/compiled-queries.ts";
import { openTestDatabase, type TestDatabase } from "../testing/index.ts";

describe("compiled queries", () => {
  let test: TestDatabase;
  let db: Kysely<RecordsDatabase>;
  const owner = aUser();
  const tasks = [
    aTask({ ownerId: owner.id, title: "one", status: "todo" }),
    aTask({ ownerId: owner.id, title: "two", status: "done" }),
  ];

  beforeAll(async () => {
    test = await openTestDatabase("pglite");
    await test.database.users.add(owner);
    for (const task of tasks) await test.database.tasks.add(task);
    db = ormOf(test.database).em.getKysely<RecordsDatabase>();
  });
  afterAll(async () => {
    await test?.close();
  });

  it("builds a shape once and answers each call with its own arguments, keeping the query's constants", async () => {
    const compiled = new CompiledQueries();
    let builds = 0;
    const titleOf = (id: string) =>
      compiled.run(db, "title-by-id", [id] as const, (kysely, [taskId]) => {
        builds += 1;
        return kysely.selectFrom("tasks").select("title").where("id", "=", taskId).where("owner_id", "=", owner.id);
      });

    expect((await titleOf(tasks[0]?.id as string)).rows).toEqual([{ title: "one" }]);
    expect((await titleOf(tasks[1]?.id as string)).rows).toEqual([{ title: "two" }]);
    expect(builds).toBe(1);
  });

  it("keeps each shape apart", async () => {
    const compiled = new CompiledQueries();
    const count = (statuses: string[]) =>
      compiled.run(db, `count:${statuses.length}`, statuses, (kysely, only) => {
        const query = kysely
          .selectFrom("tasks")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("owner_id", "=", owner.id);
        return only.length > 0 ? query.where("status", "in", only as never) : query;
      });

    expect(Number((await count([])).rows[0]?.n)).toBe(2);
    expect(Number((await count(["done"])).rows[0]?.n)).toBe(1);
    expect(Number((await count(["todo", "done"])).rows[0]?.n)).toBe(2);
    expect(Number((await count(["todo"])).rows[0]?.n)).toBe(1);
  });

  it("refuses a shape that does not take each argument as a parameter", async () => {
    const compiled = new CompiledQueries();

    expect(() =>
      compiled.run(db, "ignores-its-argument", ["unused"] as const, (kysely) =>
        kysely.selectFrom("tasks").select("id"),
      ),
    ).toThrow('compiled query "ignores-its-argument" does not take each of its 1 arguments as a parameter');
  });
});
