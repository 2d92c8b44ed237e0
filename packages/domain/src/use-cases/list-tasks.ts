import type { UserActor } from "../entities/ownership.ts";
import type { Task } from "../entities/task.ts";
import { parsePaging, parseTaskOrdering, parseTaskStatuses } from "../entities/task-query.ts";
import { PageNotFound } from "../errors.ts";
import type { TaskRepository } from "../ports/task-repository.ts";

export interface ListTasksInput {
  /** Whose tasks: a user lists their own. */
  readonly actor: UserActor;
  readonly page?: number;
  readonly pageSize?: number;
  /** As the client wrote it: `-created_at,title`. */
  readonly ordering?: string;
  /** As the client wrote it: `todo,doing`. */
  readonly status?: string;
}

export interface TaskListPage {
  readonly count: number;
  readonly page: number;
  readonly pageSize: number;
  readonly hasNext: boolean;
  readonly hasPrevious: boolean;
  readonly results: Task[];
}

type Deps = { tasks: TaskRepository };

/** One page of the owner's tasks. A page past the last is `PageNotFound`; page 1 of nothing is empty. */
export class ListTasks {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: ListTasksInput): Promise<TaskListPage> {
    const { page, pageSize } = parsePaging(input.page, input.pageSize);
    const ordering = parseTaskOrdering(input.ordering);
    const statuses = parseTaskStatuses(input.status);
    // A page that starts past any offset storage can address (page=10^20) holds nothing,
    // as Django REST Framework answers it; storage is not asked with an offset it refuses.
    if (!Number.isSafeInteger((page - 1) * pageSize)) throw new PageNotFound(page);
    const { items, count } = await this.deps.tasks.listForOwner(input.actor.userId, {
      page,
      pageSize,
      ordering,
      statuses,
    });
    const lastPage = Math.max(1, Math.ceil(count / pageSize));
    if (page > lastPage) throw new PageNotFound(page);
    return { count, page, pageSize, hasNext: page < lastPage, hasPrevious: page > 1, results: items };
  }
}
