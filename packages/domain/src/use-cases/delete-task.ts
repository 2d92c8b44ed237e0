import { type Actor, ownerScope } from "../entities/ownership.ts";
import { TaskNotFound } from "../errors.ts";
import type { TaskRepository } from "../ports/task-repository.ts";

type Deps = { tasks: TaskRepository };

export class DeleteTask {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: { actor: Actor; id: string }): Promise<void> {
    if (!(await this.deps.tasks.delete(input.id, ownerScope(input.actor)))) throw new TaskNotFound();
  }
}
