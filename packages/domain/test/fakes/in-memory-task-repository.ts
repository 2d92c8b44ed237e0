import {
  type Task,
  type TaskFilter,
  type TaskOrderingField,
  type TaskPage,
  type TaskPageRequest,
  type TaskRepository,
  taskStatusRank,
} from "../../src/index.ts";
import { compareStrings } from "./compare-strings.ts";
import { Table, type Transactional, WriteLog } from "./write-log.ts";

const COMPARE_BY_FIELD: Record<TaskOrderingField, (a: Task, b: Task) => number> = {
  created_at: (a, b) => a.createdAt.getTime() - b.createdAt.getTime(),
  updated_at: (a, b) => a.updatedAt.getTime() - b.updatedAt.getTime(),
  status: (a, b) => taskStatusRank(a.status) - taskStatusRank(b.status),
  title: (a, b) => compareStrings(a.title, b.title),
};

/** The port's semantics over a Map: filtering, ordering with the `id` tie-break, paging and counting. */
export class InMemoryTaskRepository implements TaskRepository, Transactional {
  /** Every `listForOwner` request, as the use case sent it. */
  readonly pageRequests: Array<{ ownerId: string; request: TaskPageRequest }> = [];
  private readonly table = new Table<Task>();
  private readonly log: WriteLog;

  constructor(log: WriteLog = new WriteLog()) {
    this.log = log;
  }

  snapshot(): () => void {
    return this.table.snapshot();
  }

  async add(task: Task): Promise<void> {
    if (this.table.rows.has(task.id)) throw new Error(`duplicate task id ${task.id}`);
    this.table.rows.set(task.id, task);
    this.log.record("tasks", "add", task.id);
  }

  async findById(id: string): Promise<Task | null> {
    return this.table.rows.get(id) ?? null;
  }

  async update(task: Task): Promise<void> {
    if (!this.table.rows.has(task.id)) return;
    this.table.rows.set(task.id, task);
    this.log.record("tasks", "update", task.id);
  }

  async delete(id: string): Promise<boolean> {
    if (!this.table.rows.delete(id)) return false;
    this.log.record("tasks", "delete", id);
    return true;
  }

  async listForOwner(ownerId: string, request: TaskPageRequest): Promise<TaskPage> {
    this.pageRequests.push({ ownerId, request });
    const matching = this.matching({ ownerId, statuses: request.statuses });
    const last = request.ordering.at(-1);
    const tieBreakSign = last?.direction === "desc" ? -1 : 1;
    matching.sort((a, b) => {
      for (const term of request.ordering) {
        const order = COMPARE_BY_FIELD[term.field](a, b);
        if (order !== 0) return term.direction === "desc" ? -order : order;
      }
      return tieBreakSign * compareStrings(a.id, b.id);
    });
    const start = (request.page - 1) * request.pageSize;
    return { items: matching.slice(start, start + request.pageSize), count: matching.length };
  }

  async list(filter: TaskFilter): Promise<Task[]> {
    return this.matching(filter).sort(
      (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || compareStrings(b.id, a.id),
    );
  }

  /** The cascade of a user's deletion. */
  deleteOwnedBy(ownerId: string): void {
    for (const task of this.table.rows.values()) if (task.ownerId === ownerId) this.table.rows.delete(task.id);
  }

  private matching(filter: TaskFilter): Task[] {
    const search = filter.search?.toLowerCase();
    return [...this.table.rows.values()].filter(
      (task) =>
        (filter.ownerId === undefined || task.ownerId === filter.ownerId) &&
        (!filter.statuses?.length || filter.statuses.includes(task.status)) &&
        (search === undefined ||
          task.title.toLowerCase().includes(search) ||
          task.description.toLowerCase().includes(search)),
    );
  }
}
