import { FIELD_MESSAGES } from "../field-messages.ts";

/**
 * The status rules, in one table: the allowed statuses, in workflow order (which is how
 * `ordering=status` sorts), and the default of a new task. Any status may follow any
 * other: the workflow order is for sorting, not a state machine.
 */
export const TASK_STATUSES = ["todo", "doing", "done"] as const;

export type TaskStatus = (typeof TASK_STATUSES)[number];

export const DEFAULT_TASK_STATUS: TaskStatus = "todo";

export function isTaskStatus(value: unknown): value is TaskStatus {
  return typeof value === "string" && (TASK_STATUSES as readonly string[]).includes(value);
}

/** Position in the workflow: todo < doing < done. */
export function taskStatusRank(status: TaskStatus): number {
  return TASK_STATUSES.indexOf(status);
}

export function invalidStatusMessage(value: string): string {
  return FIELD_MESSAGES.invalidChoice(value, TASK_STATUSES);
}
