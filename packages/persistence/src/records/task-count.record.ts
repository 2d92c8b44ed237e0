import { defineEntity, type InferEntity, p } from "@mikro-orm/core";
import { TASK_STATUSES } from "@tasks/domain";

/**
 * The `task_counts` table: how many tasks each owner has in each status, so that a list's
 * exact count is a sum of a few rows instead of a scan of the owner's tasks. Triggers on
 * `tasks` keep it, in the statement that writes the tasks (see the migrations that add it
 * and its shards), so no code path can forget it.
 *
 * Each (owner, status) is split into up to 16 `shard`s, one per database connection (its
 * backend's process id modulo 16), and counted as their sum: with one row, every create of
 * one owner waited for the previous create's commit to release that row, which made
 * creates 3 times slower under concurrent load. A shard may be negative or zero (a task
 * created on one connection and deleted on another) and stays; a user's rows go with the
 * user. No foreign key to `users`, since the trigger of the tasks deleted
 * with a user writes to their rows; no check on `count`, since PostgreSQL checks a proposed
 * row before an upsert finds its conflict.
 */
export const TaskCountRecord = defineEntity({
  name: "TaskCountRecord",
  tableName: "task_counts",
  properties: {
    ownerId: p.uuid().primary().fieldName("owner_id"),
    status: p.enum(TASK_STATUSES).nativeEnumName("task_status").primary(),
    shard: p.smallint().primary(),
    count: p.integer(),
  },
});

export type TaskCountRecord = InferEntity<typeof TaskCountRecord>;
