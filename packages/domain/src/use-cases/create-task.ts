import { Task, type TaskChanges } from "../entities/task.ts";
import type { Clock } from "../ports/clock.ts";
import type { IdGenerator } from "../ports/id-generator.ts";
import type { TaskRepository } from "../ports/task-repository.ts";

type Deps = { tasks: TaskRepository; clock: Clock; ids: IdGenerator };

export class CreateTask {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: { ownerId: string } & TaskChanges): Promise<Task> {
    const task = Task.create({ ...input, id: this.deps.ids.newId(), now: this.deps.clock.now() });
    await this.deps.tasks.add(task);
    return task;
  }
}
