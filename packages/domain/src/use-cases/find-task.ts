import { type Actor, canAccessTask } from "../entities/ownership.ts";
import type { Task, TaskChanges } from "../entities/task.ts";
import { TaskNotFound } from "../errors.ts";
import type { TaskRepository } from "../ports/task-repository.ts";

/** The task, if the actor may access it; a task they may not access is reported as missing. */
export async function findTaskOrFail(tasks: TaskRepository, actor: Actor, id: string): Promise<Task> {
  const task = await tasks.findById(id);
  if (!task || !canAccessTask(actor, task)) throw new TaskNotFound();
  return task;
}

/**
 * The fields of a write, checked. Django REST Framework looks the task up before it
 * validates, so a task the actor cannot access is reported missing before any field
 * error; only a write that fails its checks pays for that look-up.
 */
export async function checkWrite<T>(tasks: TaskRepository, actor: Actor, id: string, check: () => T): Promise<T> {
  try {
    return check();
  } catch (error) {
    // The checks throw only ValidationError.
    await findTaskOrFail(tasks, actor, id);
    throw error;
  }
}

/** What UpdateTask (PATCH) and ReplaceTask (PUT) take: who asks, which task, the fields written. */
export interface TaskChangeInput {
  readonly actor: Actor;
  readonly id: string;
  readonly changes: TaskChanges;
}
