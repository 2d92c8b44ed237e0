import type { OperatorTaskOrdering } from "../entities/operator-query.ts";
import type { Task, TaskFields } from "../entities/task.ts";
import type { PageRequest, TaskPageRequest } from "../entities/task-query.ts";
import type { TaskStatus } from "../entities/task-status.ts";

export interface TaskPage {
  readonly items: Task[];
  /** How many tasks match, over all pages. */
  readonly count: number;
}

export interface TaskFilter {
  readonly ownerId?: string;
  /** Empty or missing: every status. */
  readonly statuses?: readonly TaskStatus[];
  /** Case-insensitive substring of the title or the description. */
  readonly search?: string;
}

/** What an update writes: checked fields, and for the operator a new owner (an existing user's id). */
export type TaskUpdate = Partial<TaskFields> & { readonly ownerId?: string };

export interface TaskRepository {
  /**
   * Stores a new task. A storage that knows the users, as a foreign key does, refuses an
   * owner who does not exist (deleted meanwhile) with `UserGone`; one that stores tasks
   * alone (the README's example) need not.
   */
  add(task: Task): Promise<void>;
  /** `null` for an unknown id, and for a string that cannot be an id at all. */
  findById(id: string): Promise<Task | null>;
  /**
   * Writes the given fields and `updatedAt` of a stored task in one step (never its
   * creation time; its owner only when `fields.ownerId` is given, the operator's
   * reassignment; a member left out or `undefined` is not written) and returns the task
   * as stored. `null` when there is none (a task deleted meanwhile is not brought back),
   * when `id` cannot be an id, and, with `ownerId`, when the task belongs to someone
   * else, who keeps it unchanged. `UserGone` when the new owner does not exist, as for `add`.
   */
  update(id: string, fields: TaskUpdate, updatedAt: Date, ownerId?: string): Promise<Task | null>;
  /** Returns whether there was one (of `ownerId`'s, when given) to delete. */
  delete(id: string, ownerId?: string): Promise<boolean>;
  /**
   * One page of an owner's tasks, filtered, ordered (with `id` as the final tie-break in
   * the direction of the last term) and paged by the storage, with the total count.
   */
  listForOwner(ownerId: string, request: TaskPageRequest): Promise<TaskPage>;
  /**
   * For the operator: one page of the matching tasks with the total count, ordered by
   * `ordering` (default: newest first) and then by id in the direction of the last term.
   * `owner` orders by the owner's id, `id` by the id alone.
   */
  list(filter: TaskFilter, page: PageRequest, ordering?: OperatorTaskOrdering): Promise<TaskPage>;
}
