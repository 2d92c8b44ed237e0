import { ownerScope } from "../entities/ownership.ts";
import { Task } from "../entities/task.ts";
import { TaskNotFound } from "../errors.ts";
import type { Clock } from "../ports/clock.ts";
import type { TaskRepository } from "../ports/task-repository.ts";
import { checkWrite, type TaskChangeInput } from "./find-task.ts";

type Deps = { tasks: TaskRepository; clock: Clock };

/** PUT: sets every writable field, in one write; the omitted ones return to their defaults. */
export class ReplaceTask {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: TaskChangeInput): Promise<Task> {
    const { tasks, clock } = this.deps;
    const fields = await checkWrite(tasks, input.actor, input.id, () => Task.checkReplacement(input.changes));
    const written = await tasks.update(input.id, fields, clock.now(), ownerScope(input.actor));
    if (written === null) throw new TaskNotFound();
    return written;
  }
}
