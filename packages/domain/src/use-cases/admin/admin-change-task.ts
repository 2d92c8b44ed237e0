import type { StaffMember } from "../../entities/staff.ts";
import { Task, type TaskChanges } from "../../entities/task.ts";
import type { User } from "../../entities/user.ts";
import { TaskNotFound } from "../../errors.ts";
import type { TaskRepository, TaskUpdate } from "../../ports/task-repository.ts";
import type { UnitOfWork } from "../../ports/unit-of-work.ts";
import type { UserRepository } from "../../ports/user-repository.ts";
import { collectErrors, throwCollected } from "../collect-errors.ts";
import { changedFieldsMessage, changedLabels, type HistoryDeps, recordHistory } from "./history.ts";
import { findOwner, writeForOwner } from "./owner-field.ts";

type Deps = HistoryDeps & { tasks: TaskRepository; users: UserRepository; unitOfWork: UnitOfWork };

/** The labels the task's change form and its history use. */
export const TASK_FIELD_LABELS = { title: "Title", description: "Description", status: "Status", ownerId: "Owner" };

/**
 * The web admin's task change form: every field, the owner by username, checked as the
 * API checks them; the history says which fields changed.
 */
export class AdminChangeTask {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: { staff: StaffMember; id: string; owner: string; changes: TaskChanges }): Promise<Task> {
    const { tasks, users, unitOfWork, clock } = this.deps;
    const before = await tasks.findById(input.id);
    if (before === null) throw new TaskNotFound();
    const errors: Record<string, readonly string[]> = {};
    const fields = collectErrors(errors, () => Task.checkReplacement(input.changes));
    const { owner, error } = await findOwner(users, input.owner);
    if (error !== undefined) errors.owner = [error];
    throwCollected(errors);

    const found = owner as User;
    const update: TaskUpdate = { ...fields, ownerId: found.id };
    const message = changedFieldsMessage(changedLabels(before, update, TASK_FIELD_LABELS));
    return writeForOwner(input.staff, found, input.owner, () =>
      unitOfWork.transaction(async () => {
        const written = await tasks.update(input.id, update, clock.now());
        if (written === null) throw new TaskNotFound();
        await recordHistory(
          this.deps,
          input.staff,
          { type: "task", id: written.id, repr: written.title },
          "change",
          message,
        );
        return written;
      }),
    );
  }
}
