import type { Actor } from "../entities/ownership.ts";
import type { Task } from "../entities/task.ts";
import type { TaskRepository } from "../ports/task-repository.ts";
import { findTaskOrFail } from "./find-task.ts";

type Deps = { tasks: TaskRepository };

export class GetTask {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  execute(input: { actor: Actor; id: string }): Promise<Task> {
    return findTaskOrFail(this.deps.tasks, input.actor, input.id);
  }
}
