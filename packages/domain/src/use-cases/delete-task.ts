import type { Actor } from "../entities/ownership.ts";
import { TaskNotFound } from "../errors.ts";
import type { TaskRepository } from "../ports/task-repository.ts";
import { findTaskOrFail } from "./find-task.ts";

type Deps = { tasks: TaskRepository };

export class DeleteTask {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: { actor: Actor; id: string }): Promise<void> {
    const task = await findTaskOrFail(this.deps.tasks, input.actor, input.id);
    if (!(await this.deps.tasks.delete(task.id))) throw new TaskNotFound();
  }
}
