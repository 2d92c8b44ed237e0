import type { FilterQuery } from "@mikro-orm/core";
import {
  Task,
  type TaskFilter,
  type TaskPage,
  type TaskPageRequest,
  type TaskRepository,
  type TaskStatus,
} from "@tasks/domain";
import { guard, isUuid } from "../errors.ts";
import type { RecordsDatabase } from "../records/index.ts";
import { TaskRecord } from "../records/task.record.ts";
import type { EntityManagerSource } from "./entity-manager-source.ts";

export class MikroOrmTaskRepository implements TaskRepository {
  readonly #em: EntityManagerSource;

  constructor(em: EntityManagerSource) {
    this.#em = em;
  }

  add(task: Task): Promise<void> {
    return guard(async () => {
      await this.#em().insert(TaskRecord, toRecord(task));
    });
  }

  findById(id: string): Promise<Task | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return guard(async () => {
      const record = await this.#em().findOne(TaskRecord, { id }, { disableIdentityMap: true });
      return record === null ? null : toTask(record);
    });
  }

  update(task: Task): Promise<void> {
    return guard(async () => {
      // The owner and the creation time never change.
      await this.#em().nativeUpdate(
        TaskRecord,
        { id: task.id },
        { title: task.title, description: task.description, status: task.status, updatedAt: task.updatedAt },
      );
    });
  }

  delete(id: string): Promise<boolean> {
    if (!isUuid(id)) return Promise.resolve(false);
    return guard(async () => (await this.#em().nativeDelete(TaskRecord, { id })) > 0);
  }

  listForOwner(ownerId: string, request: TaskPageRequest): Promise<TaskPage> {
    if (!isUuid(ownerId)) return Promise.resolve({ items: [], count: 0 });
    return guard(async () => {
      // MikroORM's Kysely, typed from the records and bound to the current fork and transaction:
      // a page is read, never changed, so it needs no entities, and the query costs what the
      // same SQL written by hand costs.
      let matching = this.#em().getKysely<RecordsDatabase>().selectFrom("tasks").where("owner_id", "=", ownerId);
      if (request.statuses.length > 0) matching = matching.where("status", "in", [...request.statuses]);
      let page = matching.selectAll();
      for (const term of request.ordering) page = page.orderBy(term.field, term.direction);
      const [rows, counted] = await Promise.all([
        page
          .orderBy("id", request.ordering.at(-1)?.direction ?? "desc")
          .limit(request.pageSize)
          .offset((request.page - 1) * request.pageSize)
          .execute(),
        matching.select((eb) => eb.fn.countAll().as("count")).executeTakeFirstOrThrow(),
      ]);
      return { items: rows.map(rowToTask), count: Number(counted.count) };
    });
  }

  list(filter: TaskFilter): Promise<Task[]> {
    if (filter.ownerId !== undefined && !isUuid(filter.ownerId)) return Promise.resolve([]);
    return guard(async () => {
      const where: FilterQuery<TaskRecord>[] = [];
      if (filter.ownerId !== undefined) where.push({ ownerId: filter.ownerId });
      if (filter.statuses !== undefined && filter.statuses.length > 0)
        where.push({ status: { $in: [...filter.statuses] } });
      if (filter.search !== undefined && filter.search !== "") {
        const pattern = `%${escapeLike(filter.search)}%`;
        where.push({ $or: [{ title: { $ilike: pattern } }, { description: { $ilike: pattern } }] });
      }
      const records = await this.#em().find(
        TaskRecord,
        { $and: where },
        { orderBy: [{ createdAt: "desc" }, { id: "desc" }], disableIdentityMap: true },
      );
      return records.map(toTask);
    });
  }
}

/** `%`, `_` and the escape character itself match literally (PostgreSQL's LIKE escape is `\`). */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

function toRecord(task: Task): TaskRecord {
  return {
    id: task.id,
    ownerId: task.ownerId,
    title: task.title,
    description: task.description,
    status: task.status,
    createdAt: task.createdAt,
    updatedAt: task.updatedAt,
  };
}

function toTask(record: TaskRecord): Task {
  return Task.rehydrate({
    id: record.id,
    ownerId: record.ownerId,
    title: record.title,
    description: record.description,
    status: record.status,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  });
}

/** A row of `tasks` as Kysely returns it: column names, and timestamps as PostgreSQL's text (typed `Date`). */
interface TaskRow {
  readonly id: string;
  readonly owner_id: string;
  readonly title: string;
  readonly description: string;
  readonly status: TaskStatus;
  readonly created_at: Date | string;
  readonly updated_at: Date | string;
}

function rowToTask(row: TaskRow): Task {
  return Task.rehydrate({
    id: row.id,
    ownerId: row.owner_id,
    title: row.title,
    description: row.description,
    status: row.status,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  });
}
