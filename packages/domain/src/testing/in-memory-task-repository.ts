import {
  DEFAULT_OPERATOR_TASK_ORDERING,
  type OperatorTaskOrdering,
  type PageRequest,
  type Task,
  type TaskFilter,
  type TaskPage,
  type TaskPageRequest,
  type TaskRepository,
  type TaskUpdate,
  UserGone,
  type UserRepository,
} from "../index.ts";
import { compareTasks } from "./task-order.ts";
import { Table, type Transactional, WriteLog } from "./write-log.ts";

/** The port's semantics over a Map: filtering, ordering with the `id` tie-break, paging and counting. */
export class InMemoryTaskRepository implements TaskRepository, Transactional {
  /** Every `listForOwner` request, as the use case sent it. */
  readonly pageRequests: Array<{ ownerId: string; request: TaskPageRequest }> = [];
  /**
   * Unset by `fakePorts`, as most tests store tasks for owners they never stored; a test
   * that sets it gets the foreign key's check: an owner must exist, or `UserGone`.
   */
  users: Pick<UserRepository, "findById"> | null = null;
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
    await this.checkOwner(task.ownerId);
    this.table.rows.set(task.id, task);
    this.log.record("tasks", "add", task.id);
  }

  async findById(id: string): Promise<Task | null> {
    return this.table.rows.get(id) ?? null;
  }

  async update(id: string, fields: TaskUpdate, updatedAt: Date, ownerId?: string): Promise<Task | null> {
    const task = this.owned(id, ownerId);
    if (task === undefined) return null;
    if (fields.ownerId !== undefined) await this.checkOwner(fields.ownerId);
    // Like SQL's UPDATE of the given columns: a member set to undefined is not written.
    const given = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
    const written = task.withFields(given, updatedAt);
    this.table.rows.set(id, written);
    this.log.record("tasks", "update", id);
    return written;
  }

  private async checkOwner(ownerId: string): Promise<void> {
    if (this.users !== null && (await this.users.findById(ownerId)) === null) throw new UserGone(ownerId);
  }

  async delete(id: string, ownerId?: string): Promise<boolean> {
    if (this.owned(id, ownerId) === undefined) return false;
    this.table.rows.delete(id);
    this.log.record("tasks", "delete", id);
    return true;
  }

  async listForOwner(ownerId: string, request: TaskPageRequest): Promise<TaskPage> {
    this.pageRequests.push({ ownerId, request });
    const matching = this.matching({ ownerId, statuses: request.statuses }).sort(compareTasks(request.ordering));
    const start = (request.page - 1) * request.pageSize;
    return { items: matching.slice(start, start + request.pageSize), count: matching.length };
  }

  async list(
    filter: TaskFilter,
    request: PageRequest,
    ordering: OperatorTaskOrdering = DEFAULT_OPERATOR_TASK_ORDERING,
  ): Promise<TaskPage> {
    const matching = this.matching(filter).sort(compareTasks(ordering));
    const start = (request.page - 1) * request.pageSize;
    return { items: matching.slice(start, start + request.pageSize), count: matching.length };
  }

  /** The cascade of a user's deletion. */
  deleteOwnedBy(ownerId: string): void {
    for (const task of this.table.rows.values()) if (task.ownerId === ownerId) this.table.rows.delete(task.id);
  }

  private owned(id: string, ownerId: string | undefined): Task | undefined {
    const task = this.table.rows.get(id);
    return ownerId === undefined || task?.ownerId === ownerId ? task : undefined;
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
