import { TASK_STATUSES, type TaskStatus } from "@tasks/domain";
import { aTask, aUser } from "@tasks/domain/testing";
import { postgresAvailability } from "@tasks/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Database, ormOf } from "../src/database.ts";
import { describeOnEngines, openTestDatabase, type TestDatabase } from "../testing/index.ts";

type CountRow = { owner_id: string; status: TaskStatus; count: number };

describeOnEngines(await postgresAvailability(), "the per-owner task counts", (engine) => {
  let test: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    test = await openTestDatabase(engine, { inMemory: true });
    db = test.database;
  });
  afterAll(async () => {
    await test?.close();
  });

  const sql = (statement: string, params: unknown[] = []) => ormOf(db).em.fork().execute(statement, params);
  /** The counts as the repository reads them: each (owner, status) the sum of its shards, zero left out. */
  const kept = async () =>
    (
      (await sql(
        "select owner_id, status, sum(count) as count from task_counts group by owner_id, status having sum(count) <> 0 order by owner_id, status",
      )) as CountRow[]
    ).map((row) => ({ ...row, count: Number(row.count) }));
  const rowsOf = async (ownerId: string) =>
    Number((await sql("select count(*) as rows from task_counts where owner_id = ?", [ownerId]))[0]?.rows);
  const counted = async () =>
    (
      (await sql(
        "select owner_id, status, count(*) as count from tasks group by owner_id, status order by owner_id, status",
      )) as CountRow[]
    ).map((row) => ({ ...row, count: Number(row.count) }));

  it("never drift under concurrent creates, status and owner changes, deletes and bulk writes", async () => {
    const owners = [aUser(), aUser(), aUser(), aUser()];
    for (const owner of owners) await db.users.add(owner);
    const live = owners.map(() => [] as string[]);
    // A fixed sequence, so a failure replays the same operations.
    let seed = 12_345;
    const random = (below: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % below;
    };
    const status = () => TASK_STATUSES[random(TASK_STATUSES.length)] as TaskStatus;

    const operation = async (): Promise<void> => {
      const which = random(owners.length);
      const owner = owners[which] as (typeof owners)[number];
      const ids = live[which] as string[];
      const id = ids[random(Math.max(ids.length, 1))];
      const kind = random(10);
      if (kind < 4 || id === undefined) {
        const task = aTask({ ownerId: owner.id, status: status() });
        ids.push(task.id);
        await db.tasks.add(task);
      } else if (kind < 6) await db.tasks.update(id, { status: status() }, new Date(), owner.id);
      else if (kind < 7) {
        // The operator gives the task, in a status maybe new, to another owner.
        const to = random(owners.length);
        ids.splice(ids.indexOf(id), 1);
        live[to]?.push(id);
        await db.tasks.update(id, { status: status(), ownerId: owners[to]?.id }, new Date(), owner.id);
      } else if (kind < 9) {
        ids.splice(ids.indexOf(id), 1);
        await db.tasks.delete(id, owner.id);
      } else await sql("update tasks set status = ? where owner_id = ?", [status(), owner.id]);
    };
    // Sixteen clients at a time, each a statement of its own, over the pool's connections.
    for (let round = 0; round < 25; round++) await Promise.all(Array.from({ length: 16 }, operation));

    expect(await kept()).toEqual(await counted());
    expect((await kept()).every((row) => row.count > 0)).toBe(true);
  });

  it("are summed over the shards of the connections that wrote them", async () => {
    const owner = aUser();
    await db.users.add(owner);
    const tasks = [aTask({ ownerId: owner.id }), aTask({ ownerId: owner.id }), aTask({ ownerId: owner.id })];
    for (const task of tasks) await db.tasks.add(task);
    // As if two connections had created them, in shards no connection of this test writes
    // (a connection's shard is below 16), so the delete and the update below go to others.
    await sql("delete from task_counts where owner_id = ?", [owner.id]);
    await sql(
      "insert into task_counts (owner_id, status, shard, count) values (?, 'todo', 17, 2), (?, 'todo', 18, 1)",
      [owner.id, owner.id],
    );
    await db.tasks.delete(tasks[0]?.id as string, owner.id);
    await db.tasks.update(tasks[1]?.id as string, { status: "done" }, new Date(), owner.id);

    const request = { page: 1, pageSize: 1, ordering: [{ field: "created_at", direction: "desc" }] } as const;
    expect((await db.tasks.listForOwner(owner.id, { ...request, statuses: [] })).count).toBe(2);
    expect((await db.tasks.listForOwner(owner.id, { ...request, statuses: ["todo"] })).count).toBe(1);
    expect((await db.tasks.list({ ownerId: owner.id, statuses: ["done"] }, { page: 1, pageSize: 1 })).count).toBe(1);
    expect(await kept()).toEqual(await counted());

    await db.users.delete(owner.id);
    expect(await rowsOf(owner.id)).toEqual(0);
  });

  it("count each owner's tasks by status, and forget an owner deleted with its tasks", async () => {
    const [alice, bob] = [aUser(), aUser()];
    for (const user of [alice, bob]) await db.users.add(user);
    for (const taskStatus of ["todo", "todo", "done"] as const)
      await db.tasks.add(aTask({ ownerId: alice.id, status: taskStatus }));
    await db.tasks.add(aTask({ ownerId: bob.id, status: "doing" }));
    const request = { page: 1, pageSize: 1, ordering: [{ field: "created_at", direction: "desc" }] } as const;

    expect((await db.tasks.listForOwner(alice.id, { ...request, statuses: [] })).count).toBe(3);
    expect((await db.tasks.listForOwner(alice.id, { ...request, statuses: ["todo", "doing"] })).count).toBe(2);
    expect((await db.tasks.listForOwner(bob.id, { ...request, statuses: ["todo"] })).count).toBe(0);

    await db.users.delete(alice.id);
    expect(await rowsOf(alice.id)).toEqual(0);
    expect(await kept()).toEqual(await counted());
  });

  it("move a task's count to its new owner", async () => {
    const [from, to] = [aUser(), aUser()];
    for (const user of [from, to]) await db.users.add(user);
    const task = aTask({ ownerId: from.id, status: "doing" });
    await db.tasks.add(task);

    await db.tasks.update(task.id, { ownerId: to.id, status: "done" }, new Date());

    const rows = (await kept()).filter((row) => row.owner_id === from.id || row.owner_id === to.id);
    expect(rows).toEqual([{ owner_id: to.id, status: "done", count: 1 }]);
    expect(await kept()).toEqual(await counted());
  });

  it("are emptied with the tasks by a truncate, which fires no row trigger", async () => {
    const owner = aUser();
    await db.users.add(owner);
    await db.tasks.add(aTask({ ownerId: owner.id }));
    await sql("truncate tasks");

    expect(await kept()).toEqual([]);
    expect(await counted()).toEqual([]);
  });
});
