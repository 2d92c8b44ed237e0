import { PageNotFound, ValidationError } from "../errors.ts";
import { invalidStatusMessage, isTaskStatus, TASK_STATUSES, type TaskStatus } from "./task-status.ts";

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** The operator's lists (taskctl, the admin site) show more at once: a screen of a table. */
export const DEFAULT_OPERATOR_PAGE_SIZE = 100;
export const MAX_OPERATOR_PAGE_SIZE = 1_000;

/** Which page of a list, of how many rows. */
export interface PageRequest {
  readonly page: number;
  readonly pageSize: number;
}

/** The fields a list of tasks may be ordered by, as clients name them. */
export const TASK_ORDERING_FIELDS = ["created_at", "updated_at", "status", "title"] as const;
export type TaskOrderingField = (typeof TASK_ORDERING_FIELDS)[number];

/** One key of an ordering: a field, ascending or descending. */
export interface OrderingTerm<Field extends string> {
  readonly field: Field;
  readonly direction: "asc" | "desc";
}

export type TaskOrderingTerm = OrderingTerm<TaskOrderingField>;

/**
 * A full ordering. Storage appends `id` as the last key, in the direction of the last
 * term, so that equal keys still have one order and pages never overlap or skip (and one
 * index per field serves both directions).
 */
export type TaskOrdering = readonly TaskOrderingTerm[];

export const DEFAULT_TASK_ORDERING: TaskOrdering = [{ field: "created_at", direction: "desc" }];

export interface TaskPageRequest extends PageRequest {
  readonly ordering: TaskOrdering;
  /** Empty: every status. */
  readonly statuses: readonly TaskStatus[];
}

/** Parses `ordering=-status,title`. Empty or missing gives the default ordering. */
export function parseTaskOrdering(raw: string | undefined): TaskOrdering {
  return parseOrdering(raw, TASK_ORDERING_FIELDS, DEFAULT_TASK_ORDERING);
}

/**
 * Parses a comma-separated list of fields, each optionally prefixed by `-` for descending;
 * a field named twice counts once. Empty or missing gives `fallback`.
 */
export function parseOrdering<Field extends string>(
  raw: string | undefined,
  fields: readonly Field[],
  fallback: readonly OrderingTerm<Field>[],
): readonly OrderingTerm<Field>[] {
  const parts = splitList(raw);
  if (parts.length === 0) return fallback;
  const terms: OrderingTerm<Field>[] = [];
  const unknown: string[] = [];
  for (const part of parts) {
    const direction = part.startsWith("-") ? "desc" : "asc";
    const field = part.replace(/^-/, "");
    if (!(fields as readonly string[]).includes(field)) unknown.push(part);
    else if (!terms.some((term) => term.field === field)) terms.push({ field: field as Field, direction });
  }
  if (unknown.length > 0)
    throw new ValidationError({
      ordering: unknown.map((part) => `"${part}" is not a field you can order by. Choose among: ${fields.join(", ")}.`),
    });
  return terms;
}

/** Parses `status=todo,doing`. Empty or missing means every status. */
export function parseTaskStatuses(raw: string | undefined): TaskStatus[] {
  const parts = splitList(raw);
  const invalid = parts.filter((part) => !isTaskStatus(part));
  if (invalid.length > 0) throw new ValidationError({ status: invalid.map(invalidStatusMessage) });
  return TASK_STATUSES.filter((status) => parts.includes(status));
}

/** Checks a page number and size; a size over the maximum is capped, as DRF's max_page_size does. */
export function parsePaging(page: number | undefined, pageSize: number | undefined): PageRequest {
  return checkPaging(page, pageSize, {
    field: "page_size",
    message: "A page size must be a whole number of at least 1.",
    fallback: DEFAULT_PAGE_SIZE,
    max: MAX_PAGE_SIZE,
  });
}

/**
 * Checks the page an operator asks for, named as taskctl names it (`--page`, `--limit`);
 * a limit over the maximum is capped.
 */
export function parseOperatorPaging(page: number | undefined, limit: number | undefined): PageRequest {
  return checkPaging(page, limit, {
    field: "limit",
    message: "A limit must be a whole number of at least 1.",
    fallback: DEFAULT_OPERATOR_PAGE_SIZE,
    max: MAX_OPERATOR_PAGE_SIZE,
  });
}

function checkPaging(
  page: number | undefined,
  size: number | undefined,
  rules: { field: string; message: string; fallback: number; max: number },
): PageRequest {
  const errors: Record<string, string[]> = {};
  if (page !== undefined && !(Number.isInteger(page) && page >= 1))
    errors.page = ["A page number must be a whole number of at least 1."];
  if (size !== undefined && !(Number.isInteger(size) && size >= 1)) errors[rules.field] = [rules.message];
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  const request = { page: page ?? 1, pageSize: Math.min(size ?? rules.fallback, rules.max) };
  // No list holds that many rows, and storage could not even take such an offset.
  if ((request.page - 1) * request.pageSize > Number.MAX_SAFE_INTEGER) throw new PageNotFound(request.page);
  return request;
}

/** A page past the last one is not found; page 1 of an empty list is an empty page. */
export function assertPageExists(request: PageRequest, count: number): void {
  if (request.page > Math.max(1, Math.ceil(count / request.pageSize))) throw new PageNotFound(request.page);
}

function splitList(raw: string | undefined): string[] {
  return (raw ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}
