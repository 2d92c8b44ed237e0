import { defineEntity, type InferEntity, p } from "@mikro-orm/core";
import { DESCRIPTION_MAX_LENGTH, TASK_STATUSES, TITLE_MAX_LENGTH } from "@tasks/domain";
import { UserRecord } from "./user.record.ts";

/**
 * The `tasks` table. `status` is the PostgreSQL enum type `task_status`, declared in
 * workflow order, so the database refuses any other value and `ORDER BY status` sorts
 * todo < doing < done with a plain index. `title` uses ICU's root collation, so titles
 * sort the same, case-insensitively first, on PostgreSQL and on PGlite.
 */
export const TaskRecord = defineEntity({
  name: "TaskRecord",
  tableName: "tasks",
  properties: {
    id: p.uuid().primary(),
    ownerId: () => p.manyToOne(UserRecord).mapToPk().fieldName("owner_id").deleteRule("cascade"),
    title: p.text().collation("und-x-icu"),
    description: p.text().default(""),
    status: p.enum(TASK_STATUSES).nativeEnumName("task_status").default("todo"),
    createdAt: p.datetime().columnType("timestamptz").fieldName("created_at"),
    updatedAt: p.datetime().columnType("timestamptz").fieldName("updated_at"),
  },
  indexes: [
    // One per ordering field, each ending in the id tie-break; a backward scan serves `-field`.
    { name: "tasks_owner_created_at_id_index", properties: ["ownerId", "createdAt", "id"] },
    { name: "tasks_owner_updated_at_id_index", properties: ["ownerId", "updatedAt", "id"] },
    { name: "tasks_owner_status_id_index", properties: ["ownerId", "status", "id"] },
    { name: "tasks_owner_title_id_index", properties: ["ownerId", "title", "id"] },
    // The default ordering of a list filtered by status.
    { name: "tasks_owner_status_created_at_id_index", properties: ["ownerId", "status", "createdAt", "id"] },
    // The operator's list of every task, newest first.
    { name: "tasks_created_at_id_index", properties: ["createdAt", "id"] },
  ],
  // Keep `task_counts` (see task-count.record.ts) in the statement that writes the tasks;
  // their function, `task_counts_apply`, is in the migration that added them. Declared
  // here so that the schema diff knows them; it compares a raw definition by name only.
  // The migration also adds `tasks_count_truncate`, which empties the counts on a truncate;
  // it is not declared here because the schema diff reads triggers from
  // information_schema.triggers, which leaves truncate triggers out (so it neither sees nor drops it).
  triggers: (["insert", "update", "delete"] as const).map((event) => ({
    name: `tasks_count_${event}`,
    timing: "after" as const,
    events: [event],
    forEach: "statement" as const,
    expression:
      `create trigger "tasks_count_${event}" after ${event} on "tasks" referencing ` +
      `${event === "insert" ? "" : "old table as old_tasks "}${event === "delete" ? "" : "new table as new_tasks "}` +
      "for each statement execute function task_counts_apply()",
  })),
  checks: [
    {
      name: "tasks_title_length_check",
      expression: `char_length(title) >= 1 and char_length(title) <= ${TITLE_MAX_LENGTH}`,
    },
    {
      name: "tasks_description_length_check",
      expression: `char_length(description) <= ${DESCRIPTION_MAX_LENGTH}`,
    },
  ],
});

export type TaskRecord = InferEntity<typeof TaskRecord>;
