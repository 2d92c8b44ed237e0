import {
  DEFAULT_OPERATOR_TASK_ORDERING,
  OPERATOR_TASK_ORDERING_FIELDS,
  parseSearch,
} from "../entities/operator-query.ts";
import type { OperatorActor } from "../entities/ownership.ts";
import type { Task } from "../entities/task.ts";
import { assertPageExists, parseOperatorPaging, parseOrdering, parseTaskStatuses } from "../entities/task-query.ts";
import type { TaskRepository } from "../ports/task-repository.ts";
import type { UserRepository } from "../ports/user-repository.ts";
import { findUserOrFail } from "./find-user.ts";
import type { OperatorPage } from "./list-users.ts";

/** A task as the operator sees it. */
export interface TaskWithOwner {
  readonly task: Task;
  /** The owner's username, or the owner's id for an owner gone since the task was read. */
  readonly ownerUsername: string;
}

type Deps = { tasks: TaskRepository; users: UserRepository };

/**
 * One page of the operator's view of every task, filtered by owner username, status list
 * and text, ordered by `ordering` (`-status,title`; default newest first). A page past
 * the last is `PageNotFound`.
 */
export class ListAllTasks {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: {
    actor: OperatorActor;
    username?: string;
    status?: string;
    search?: string;
    ordering?: string;
    page?: number;
    limit?: number;
  }): Promise<OperatorPage<TaskWithOwner>> {
    const request = parseOperatorPaging(input.page, input.limit);
    const ordering = parseOrdering(input.ordering, OPERATOR_TASK_ORDERING_FIELDS, DEFAULT_OPERATOR_TASK_ORDERING);
    const statuses = parseTaskStatuses(input.status);
    const search = parseSearch(input.search);
    const owner = input.username === undefined ? undefined : await findUserOrFail(this.deps.users, input.username);
    const { items, count } = await this.deps.tasks.list({ ownerId: owner?.id, statuses, search }, request, ordering);
    assertPageExists(request, count);
    const owners = owner ? [owner] : await this.deps.users.findByIds([...new Set(items.map((task) => task.ownerId))]);
    const usernames = new Map(owners.map((user) => [user.id, user.username]));
    return {
      count,
      ...request,
      results: items.map((task) => ({ task, ownerUsername: usernames.get(task.ownerId) ?? task.ownerId })),
    };
  }
}
