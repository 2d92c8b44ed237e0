import { ValidationError } from "../errors.ts";
import type { OrderingTerm } from "./task-query.ts";
import { TASK_ORDERING_FIELDS } from "./task-query.ts";
import { unstorableTextProblem } from "./text.ts";

/**
 * What the operator's lists (taskctl, the web admin's change lists) may be ordered by: a
 * task's client orderings plus its id and owner, and a user's listed columns.
 */
export const OPERATOR_TASK_ORDERING_FIELDS = [...TASK_ORDERING_FIELDS, "id", "owner"] as const;
export type OperatorTaskOrderingField = (typeof OPERATOR_TASK_ORDERING_FIELDS)[number];
export type OperatorTaskOrdering = readonly OrderingTerm<OperatorTaskOrderingField>[];
/** Newest first, as `TaskRepository.list` has always listed. */
export const DEFAULT_OPERATOR_TASK_ORDERING: OperatorTaskOrdering = [{ field: "created_at", direction: "desc" }];

export const USER_ORDERING_FIELDS = [
  "username",
  "email",
  "is_staff",
  "is_active",
  "date_joined",
  "last_login",
] as const;
export type UserOrderingField = (typeof USER_ORDERING_FIELDS)[number];
export type UserOrdering = readonly OrderingTerm<UserOrderingField>[];
/** Oldest first, as `UserRepository.list` has always listed. */
export const DEFAULT_USER_ORDERING: UserOrdering = [{ field: "date_joined", direction: "asc" }];

/** Which users a list shows. Every member left out matches every user. */
export interface UserFilter {
  readonly isStaff?: boolean;
  readonly isActive?: boolean;
  /** Case-insensitive substring of the username or the email. */
  readonly search?: string;
}

/**
 * The search text of an operator's list, trimmed; `undefined` when blank. Text that storage
 * cannot hold (a NUL, a lone surrogate) is refused, naming `search`: nothing stored could
 * contain it, and PostgreSQL refuses a query that holds a NUL.
 */
export function parseSearch(raw: string | undefined): string | undefined {
  const search = raw?.trim() || undefined;
  const problem = search === undefined ? null : unstorableTextProblem(search);
  if (problem !== null) throw new ValidationError({ search: [problem] });
  return search;
}
