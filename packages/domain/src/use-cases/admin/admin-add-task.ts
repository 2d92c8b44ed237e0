import type { StaffMember } from "../../entities/staff.ts";
import { Task, type TaskChanges } from "../../entities/task.ts";
import type { User } from "../../entities/user.ts";
import type { TaskRepository } from "../../ports/task-repository.ts";
import type { UnitOfWork } from "../../ports/unit-of-work.ts";
import type { UserRepository } from "../../ports/user-repository.ts";
import { collectErrors, throwCollected } from "../collect-errors.ts";
import { type HistoryDeps, recordHistory } from "./history.ts";
import { findOwner, writeForOwner } from "./owner-field.ts";

type Deps = HistoryDeps & { tasks: TaskRepository; users: UserRepository; unitOfWork: UnitOfWork };

/** The web admin's "Add task": any staff member, for any owner, recorded in the history. */
export class AdminAddTask {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: { staff: StaffMember; owner: string; changes: TaskChanges }): Promise<Task> {
    const { tasks, users, unitOfWork, clock, ids } = this.deps;
    const errors: Record<string, readonly string[]> = {};
    const fields = collectErrors(errors, () => Task.checkReplacement(input.changes));
    const { owner, error } = await findOwner(users, input.owner);
    if (error !== undefined) errors.owner = [error];
    throwCollected(errors);

    const found = owner as User;
    const task = Task.create({ ...fields, ownerId: found.id, id: ids.newId(), now: clock.now() });
    await writeForOwner(input.staff, found, input.owner, () =>
      unitOfWork.transaction(async () => {
        await tasks.add(task);
        await recordHistory(
          this.deps,
          input.staff,
          { type: "task", id: task.id, repr: task.title },
          "addition",
          "Added.",
        );
      }),
    );
    return task;
  }
}
