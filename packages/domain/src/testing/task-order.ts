import {
  canonicalUsername,
  type OperatorTaskOrdering,
  type Task,
  taskStatusRank,
  type User,
  type UserOrdering,
} from "../index.ts";

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

/**
 * Code-point order, as PostgreSQL's "C" collation orders UTF-8 text. It differs from
 * code-unit order (`<`) only past U+FFFF: "\u{20000}" comes after "\uFA0E" here, before it there.
 */
export function compareCodePoints(a: string, b: string): number {
  const [left, right] = [codePoints(a), codePoints(b)];
  for (let index = 0; index < Math.min(left.length, right.length); index++)
    if (left[index] !== right[index]) return (left[index] as number) - (right[index] as number);
  return left.length - right.length;
}

function codePoints(text: string): number[] {
  return Array.from(text, (character) => character.codePointAt(0) as number);
}

/**
 * The order `TaskRepository.listForOwner` and `list` promise: the terms, then `id` in the
 * direction of the last term.
 */
export function compareTasks(ordering: OperatorTaskOrdering): (a: Task, b: Task) => number {
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
              : field === "title"
                ? TITLE_COLLATOR.compare(a.title, b.title)
                : field === "owner"
                  ? compareIds(a.ownerId, b.ownerId)
                  : compareIds(a.id, b.id);
      if (order !== 0) return direction === "desc" ? -order : order;
    }
    return tieBreak * compareIds(a.id, b.id);
  };
}

export function sortTasks(tasks: readonly Task[], ordering: OperatorTaskOrdering): Task[] {
  return [...tasks].sort(compareTasks(ordering));
}

/** The order `UserRepository.list` promises: the terms, then `id` in the direction of the last term. */
export function compareUsers(ordering: UserOrdering): (a: User, b: User) => number {
  const tieBreak = ordering.at(-1)?.direction === "asc" ? 1 : -1;
  const never = Number.POSITIVE_INFINITY;
  return (a, b) => {
    for (const { field, direction } of ordering) {
      const order =
        field === "username"
          ? compareCodePoints(canonicalUsername(a.username), canonicalUsername(b.username))
          : field === "email"
            ? compareCodePoints(a.email.toLowerCase(), b.email.toLowerCase())
            : field === "is_staff"
              ? Number(a.isStaff) - Number(b.isStaff)
              : field === "is_active"
                ? Number(a.isActive) - Number(b.isActive)
                : field === "date_joined"
                  ? a.dateJoined.getTime() - b.dateJoined.getTime()
                  : compareNumbers(a.lastLogin?.getTime() ?? never, b.lastLogin?.getTime() ?? never);
      if (order !== 0) return direction === "desc" ? -order : order;
    }
    return tieBreak * compareIds(a.id, b.id);
  };
}

export function sortUsers(users: readonly User[], ordering: UserOrdering): User[] {
  return [...users].sort(compareUsers(ordering));
}

/** `a - b` that is also right for two infinities. */
function compareNumbers(a: number, b: number): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
