import type { StaffMember } from "../../entities/staff.ts";
import type { Task } from "../../entities/task.ts";
import type { TaskRepository } from "../../ports/task-repository.ts";
import type { UnitOfWork } from "../../ports/unit-of-work.ts";
import { type HistoryDeps, recordHistory } from "./history.ts";

type Deps = HistoryDeps & { tasks: TaskRepository; unitOfWork: UnitOfWork };

/**
 * The web admin's delete page and its "Delete selected" action: deletes the tasks of these
 * ids that still exist, all in one transaction, each recorded in the history. Answers the
 * tasks it deleted (a task already gone is left out, as Django's action skips it).
 */
export class AdminDeleteTasks {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  execute(input: { staff: StaffMember; ids: readonly string[] }): Promise<Task[]> {
    const { tasks, unitOfWork } = this.deps;
    return unitOfWork.transaction(async () => {
      const deleted: Task[] = [];
      for (const id of new Set(input.ids)) {
        const task = await tasks.findById(id);
        if (task === null || !(await tasks.delete(id))) continue;
        await recordHistory(this.deps, input.staff, { type: "task", id, repr: task.title }, "deletion", "Deleted.");
        deleted.push(task);
      }
      return deleted;
    });
  }
}
