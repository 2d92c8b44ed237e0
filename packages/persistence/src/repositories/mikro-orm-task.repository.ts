import type { FilterQuery, QueryOrderMap } from "@mikro-orm/core";
import {
  Task,
  type TaskFilter,
  type TaskOrderingField,
  type TaskPage,
  type TaskPageRequest,
  type TaskRepository,
} from "@tasks/domain";
import { guard, isUuid } from "../errors.ts";
import { TaskRecord } from "../records/task.record.ts";
import type { EntityManagerSource } from "./entity-manager-source.ts";

const ORDERING_PROPERTIES: Record<TaskOrderingField, "createdAt" | "updatedAt" | "status" | "title"> = {
  created_at: "createdAt",
  updated_at: "updatedAt",
  status: "status",
  title: "title",
};

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
      const where: FilterQuery<TaskRecord> =
        request.statuses.length > 0 ? { ownerId, status: { $in: [...request.statuses] } } : { ownerId };
      const orderBy: QueryOrderMap<TaskRecord>[] = request.ordering.map((term) => ({
        [ORDERING_PROPERTIES[term.field]]: term.direction,
      }));
      orderBy.push({ id: request.ordering.at(-1)?.direction ?? "desc" });
      const [records, count] = await this.#em().findAndCount(TaskRecord, where, {
        orderBy,
        limit: request.pageSize,
        offset: (request.page - 1) * request.pageSize,
        disableIdentityMap: true,
      });
      return { items: records.map(toTask), count };
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
