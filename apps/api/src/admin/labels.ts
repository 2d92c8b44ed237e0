import type { TaskStatus } from "@tasks/domain";

/** How the admin shows each status, as Django shows a choice by its label. */
export const STATUS_LABELS: Readonly<Record<TaskStatus, string>> = { todo: "To do", doing: "Doing", done: "Done" };

/** A date and time as the admin's tables show them, to the minute, in UTC. */
export function formatTime(date: Date | null): string {
  return date === null ? "-" : `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** A boolean column, as Django shows it with its icons. */
export function yesNo(value: boolean): string {
  return value ? "Yes" : "No";
}

/** "1 task", "3 tasks". */
export function countOf(count: number, singular: string, plural: string): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
