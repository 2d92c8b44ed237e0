import type { OperatorActor } from "../entities/ownership.ts";
import type { TaskRepository } from "../ports/task-repository.ts";
import type { UserRepository } from "../ports/user-repository.ts";
import { findTaskOrFail } from "./find-task.ts";
import type { TaskWithOwner } from "./list-all-tasks.ts";

type Deps = { tasks: TaskRepository; users: UserRepository };

/** The operator's look-up of one task, shown as `ListAllTasks` shows every task: with its owner's username. */
export class GetTaskWithOwner {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: { actor: OperatorActor; id: string }): Promise<TaskWithOwner> {
    const task = await findTaskOrFail(this.deps.tasks, input.actor, input.id);
    const owner = await this.deps.users.findById(task.ownerId);
    return { task, ownerUsername: owner?.username ?? task.ownerId };
  }
}
