import type { OperatorActor } from "../entities/ownership.ts";
import type { Task } from "../entities/task.ts";
import { parseTaskStatuses } from "../entities/task-query.ts";
import type { TaskRepository } from "../ports/task-repository.ts";
import type { UserRepository } from "../ports/user-repository.ts";
import { findUserOrFail } from "./find-user.ts";

/** A task as the operator sees it. */
export interface TaskWithOwner {
  readonly task: Task;
  /** The owner's username, or the owner's id for an owner gone since the task was read. */
  readonly ownerUsername: string;
}

type Deps = { tasks: TaskRepository; users: UserRepository };

/** The operator's view of every task, filtered by owner username, status list and text. */
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
  }): Promise<TaskWithOwner[]> {
    const statuses = parseTaskStatuses(input.status);
    const owner = input.username === undefined ? undefined : await findUserOrFail(this.deps.users, input.username);
    const search = input.search?.trim() || undefined;
    const tasks = await this.deps.tasks.list({ ownerId: owner?.id, statuses, search });
    const usernames = new Map((owner ? [owner] : await this.deps.users.list()).map((user) => [user.id, user.username]));
    return tasks.map((task) => ({ task, ownerUsername: usernames.get(task.ownerId) ?? task.ownerId }));
  }
}
