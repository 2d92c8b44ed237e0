import { type Task, type TaskOrdering, taskStatusRank } from "../index.ts";

/**
 * ICU's root collation, which PostgreSQL's `und-x-icu` is too: titles sort alike,
 * case-insensitively first ("apple" < "Banana" < "cherry").
 */
export const TITLE_COLLATOR = new Intl.Collator("und");

/** Code-unit order, as PostgreSQL orders uuids written in lower case. */
export function compareIds(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

/** The order `TaskRepository.listForOwner` promises: the terms, then `id` in the direction of the last term. */
export function compareTasks(ordering: TaskOrdering): (a: Task, b: Task) => number {
  const tieBreak = ordering.at(-1)?.direction === "asc" ? 1 : -1;
  return (a, b) => {
    for (const { field, direction } of ordering) {
      const order =
        field === "created_at"
          ? a.createdAt.getTime() - b.createdAt.getTime()
          : field === "updated_at"
            ? a.updatedAt.getTime() - b.updatedAt.getTime()
            : field === "status"
              ? taskStatusRank(a.status) - taskStatusRank(b.status)
              : TITLE_COLLATOR.compare(a.title, b.title);
      if (order !== 0) return direction === "desc" ? -order : order;
    }
    return tieBreak * compareIds(a.id, b.id);
  };
}

export function sortTasks(tasks: readonly Task[], ordering: TaskOrdering): Task[] {
  return [...tasks].sort(compareTasks(ordering));
}
