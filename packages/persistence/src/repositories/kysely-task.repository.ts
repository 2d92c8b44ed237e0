import {
  DEFAULT_OPERATOR_TASK_ORDERING,
  type OperatorTaskOrdering,
  type OperatorTaskOrderingField,
  type PageRequest,
  Task,
  type TaskFilter,
  type TaskPage,
  type TaskPageRequest,
  type TaskRepository,
  type TaskStatus,
  type TaskUpdate,
} from "@tasks/domain";
import { isUuid, translateErrors, translateWriteNaming } from "../errors.ts";
import { CompiledQueries, type PoolQuery } from "./compiled-queries.ts";
import { containsPattern } from "./like-pattern.ts";
import { COLUMNS, parseTimestamp, type QuerySource, type Row } from "./query-source.ts";

/**
 * The column each of the operator's ordering fields sorts by. `title` sorts under its
 * column's ICU collation and `status` in the enum's workflow order, as in listForOwner.
 */
const OPERATOR_ORDER_KEYS = {
  created_at: "created_at",
  updated_at: "updated_at",
  status: "status",
  title: "title",
  id: "id",
  owner: "owner_id",
} as const satisfies Record<OperatorTaskOrderingField, keyof Row<"tasks">>;

/** The foreign key from a task to its owner. */
const OWNER_KEY = "tasks_owner_id_foreign";

export class KyselyTaskRepository implements TaskRepository {
  readonly #db: QuerySource;
  readonly #compiled: CompiledQueries;

  /** `poolQuery`: see `CompiledQueries`. */
  constructor(db: QuerySource, poolQuery?: PoolQuery) {
    this.#db = db;
    this.#compiled = new CompiledQueries(poolQuery);
  }

  add(task: Task): Promise<void> {
    return translateWriteNaming(OWNER_KEY, task.ownerId, async () => {
      const row = toRow(task);
      const args = [
        row.id,
        row.owner_id,
        row.title,
        row.description,
        row.status,
        row.created_at,
        row.updated_at,
      ] as const;
      await this.#compiled.run(
        this.#db(),
        "add",
        args,
        (db, [id, owner_id, title, description, status, created_at, updated_at]) =>
          db.insertInto("tasks").values({ id, owner_id, title, description, status, created_at, updated_at }),
      );
    });
  }

  findById(id: string): Promise<Task | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return translateErrors(async () => {
      const { rows } = await this.#compiled.run(this.#db(), "by-id", [id] as const, (db, [taskId]) =>
        db.selectFrom("tasks").select(COLUMNS.tasks).where("id", "=", taskId),
      );
      const [row] = rows;
      return row === undefined ? null : toTask(row);
    });
  }

  update(id: string, fields: TaskUpdate, updatedAt: Date, ownerId?: string): Promise<Task | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    const { title, description, status, ownerId: newOwnerId } = fields;
    const write = async () => {
      // The creation time never changes; the owner only when a new one is given. Kysely
      // leaves out a column whose value is undefined.
      const given = { title, description, status, owner_id: newOwnerId };
      const written = (Object.keys(given) as (keyof typeof given)[]).filter((column) => given[column] !== undefined);
      const scoped = ownerId !== undefined;
      const args = [...written.map((column) => given[column]), updatedAt, id, ...(scoped ? [ownerId] : [])];
      const shape = `update:${written.join(",")}:${scoped ? "scoped" : "any"}`;
      const { rows } = await this.#compiled.run(this.#db(), shape, args, (db, values) => {
        const changes = Object.fromEntries(written.map((column, index) => [column, values[index]]));
        const [at, taskId, owner] = values.slice(written.length) as [Date, string, string];
        const update = db
          .updateTable("tasks")
          .set({ ...changes, updated_at: at })
          .where("id", "=", taskId);
        return (scoped ? update.where("owner_id", "=", owner) : update).returning(COLUMNS.tasks);
      });
      const [row] = rows;
      return row === undefined ? null : toTask(row);
    };
    // Only a new owner can break the foreign key.
    return translateWriteNaming(OWNER_KEY, newOwnerId, write);
  }

  delete(id: string, ownerId?: string): Promise<boolean> {
    if (!isUuid(id)) return Promise.resolve(false);
    return translateErrors(async () => {
      let deletion = this.#db().deleteFrom("tasks").where("id", "=", id);
      if (ownerId !== undefined) deletion = deletion.where("owner_id", "=", ownerId);
      const result = await deletion.executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }

  listForOwner(ownerId: string, request: TaskPageRequest): Promise<TaskPage> {
    if (!isUuid(ownerId)) return Promise.resolve({ items: [], count: 0 });
    return translateErrors(async () => {
      const statuses = [...request.statuses];
      const ordering = request.ordering.map((term) => `${term.direction === "desc" ? "-" : ""}${term.field}`).join(",");
      const page = this.#compiled.run(
        this.#db(),
        `list-for-owner:${statuses.length}:${ordering}`,
        [ownerId, request.pageSize, (request.page - 1) * request.pageSize, ...statuses] as [
          string,
          number,
          number,
          ...TaskStatus[],
        ],
        (db, [owner, limit, offset, ...only]) => {
          let query = db.selectFrom("tasks").select(COLUMNS.tasks).where("owner_id", "=", owner);
          if (only.length > 0) query = query.where("status", "in", only);
          for (const term of request.ordering) query = query.orderBy(term.field, term.direction);
          return query
            .orderBy("id", request.ordering.at(-1)?.direction ?? "desc")
            .limit(limit)
            .offset(offset);
        },
      );
      // The exact count, from the owner's per-status counts (at most three rows).
      const counts = this.#compiled.run(
        this.#db(),
        `count-for-owner:${statuses.length}`,
        [ownerId, ...statuses] as [string, ...TaskStatus[]],
        (db, [owner, ...only]) => {
          const query = db
            .selectFrom("task_counts")
            .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("count"), eb.lit(0)).as("count"))
            .where("owner_id", "=", owner);
          return only.length > 0 ? query.where("status", "in", only) : query;
        },
      );
      const [{ rows }, counted] = await Promise.all([page, counts]);
      return { items: rows.map(toTask), count: Number(counted.rows[0]?.count ?? 0) };
    });
  }

  list(
    filter: TaskFilter,
    request: PageRequest,
    ordering: OperatorTaskOrdering = DEFAULT_OPERATOR_TASK_ORDERING,
  ): Promise<TaskPage> {
    if (filter.ownerId !== undefined && !isUuid(filter.ownerId)) return Promise.resolve({ items: [], count: 0 });
    return translateErrors(async () => {
      let matching = this.#db().selectFrom("tasks");
      if (filter.ownerId !== undefined) matching = matching.where("owner_id", "=", filter.ownerId);
      if (filter.statuses !== undefined && filter.statuses.length > 0)
        matching = matching.where("status", "in", [...filter.statuses]);
      const search = filter.search !== undefined && filter.search !== "";
      if (search) {
        const pattern = containsPattern(filter.search as string);
        matching = matching.where((eb) => eb.or([eb("title", "ilike", pattern), eb("description", "ilike", pattern)]));
      }
      // One after the other, as in the user repository's list (taskctl runs these). Without a
      // search, the count is a sum of the per-owner, per-status counts: a count(*) over every
      // task was most of a page's time at 300,000 tasks (`pnpm bench:db --indexes`).
      const counted = search
        ? await matching.select((eb) => eb.fn.countAll().as("count")).executeTakeFirstOrThrow()
        : await this.#countedByOwnerAndStatus(filter).executeTakeFirstOrThrow();
      let page = matching.select(COLUMNS.tasks);
      for (const term of ordering) page = page.orderBy(OPERATOR_ORDER_KEYS[term.field], term.direction);
      const rows = await page
        .orderBy("id", ordering.at(-1)?.direction ?? "desc")
        .limit(request.pageSize)
        .offset((request.page - 1) * request.pageSize)
        .execute();
      return { items: rows.map(toTask), count: Number(counted.count) };
    });
  }

  /** The number of tasks of the owner (or everyone's) with these statuses, from `task_counts`. */
  #countedByOwnerAndStatus(filter: TaskFilter) {
    let counts = this.#db()
      .selectFrom("task_counts")
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("count"), eb.lit(0)).as("count"));
    if (filter.ownerId !== undefined) counts = counts.where("owner_id", "=", filter.ownerId);
    if (filter.statuses !== undefined && filter.statuses.length > 0)
      counts = counts.where("status", "in", [...filter.statuses]);
    return counts;
  }
}

function toRow(task: Task): Row<"tasks"> {
  return {
    id: task.id,
    owner_id: task.ownerId,
    title: task.title,
    description: task.description,
    status: task.status,
    created_at: task.createdAt,
    updated_at: task.updatedAt,
  };
}

function toTask(row: Row<"tasks">): Task {
  return Task.rehydrate({
    id: row.id,
    ownerId: row.owner_id,
    title: row.title,
    description: row.description,
    status: row.status,
    createdAt: parseTimestamp(row.created_at),
    updatedAt: parseTimestamp(row.updated_at),
  });
}
