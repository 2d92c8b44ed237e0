import type { OperatorActor, UserActor } from "../entities/ownership.ts";
import { Task, type TaskChanges } from "../entities/task.ts";
import type { Clock } from "../ports/clock.ts";
import type { IdGenerator } from "../ports/id-generator.ts";
import type { TaskRepository } from "../ports/task-repository.ts";

/** A user creates their own tasks; the operator names the owner. */
export type CreateTaskInput =
  | { readonly actor: UserActor; readonly changes: TaskChanges }
  | { readonly actor: OperatorActor; readonly ownerId: string; readonly changes: TaskChanges };

type Deps = { tasks: TaskRepository; clock: Clock; ids: IdGenerator };

export class CreateTask {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: CreateTaskInput): Promise<Task> {
    const ownerId = input.actor.kind === "user" ? input.actor.userId : (input as { ownerId: string }).ownerId;
    const task = Task.create({ ...input.changes, ownerId, id: this.deps.ids.newId(), now: this.deps.clock.now() });
    await this.deps.tasks.add(task);
    return task;
  }
}
