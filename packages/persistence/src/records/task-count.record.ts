import { defineEntity, type InferEntity, p } from "@mikro-orm/core";
import { TASK_STATUSES } from "@tasks/domain";

/**
 * The `task_counts` table: how many tasks each owner has in each status, so that a list's
 * exact count is a sum of at most three rows instead of a scan of the owner's tasks.
 * Triggers on `tasks` keep it, in the statement that writes the tasks (see the migration
 * that adds it), so no code path can forget it. A row whose count reaches zero is deleted.
 * No foreign key to `users`: deleting a user deletes its tasks, whose trigger brings the
 * user's counts to zero and deletes them, in the same statement. No check on `count`
 * either: PostgreSQL checks a proposed row before an upsert finds its conflict, and the
 * triggers upsert negative changes.
 */
export const TaskCountRecord = defineEntity({
  name: "TaskCountRecord",
  tableName: "task_counts",
  properties: {
    ownerId: p.uuid().primary().fieldName("owner_id"),
    status: p.enum(TASK_STATUSES).nativeEnumName("task_status").primary(),
    count: p.integer(),
  },
});

export type TaskCountRecord = InferEntity<typeof TaskCountRecord>;
