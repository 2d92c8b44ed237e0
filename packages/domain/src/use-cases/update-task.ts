import type { Task } from "../entities/task.ts";
import { TaskNotFound } from "../errors.ts";
import type { Clock } from "../ports/clock.ts";
import type { TaskRepository } from "../ports/task-repository.ts";
import { findTaskOrFail, type TaskChangeInput } from "./find-task.ts";

type Deps = { tasks: TaskRepository; clock: Clock };

/** PATCH: changes the given fields and leaves the others as they are. */
export class UpdateTask {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: TaskChangeInput): Promise<Task> {
    const task = await findTaskOrFail(this.deps.tasks, input.actor, input.id);
    const updated = task.update(input.changes, this.deps.clock.now());
    if (!(await this.deps.tasks.update(updated))) throw new TaskNotFound();
    return updated;
  }
}
