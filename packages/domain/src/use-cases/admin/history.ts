import {
  type HistoryAction,
  type HistoryEntry,
  type HistoryObjectType,
  OBJECT_REPR_MAX_LENGTH,
} from "../../entities/history-entry.ts";
import type { Clock } from "../../ports/clock.ts";
import type { HistoryRepository } from "../../ports/history-repository.ts";
import type { IdGenerator } from "../../ports/id-generator.ts";

export type HistoryDeps = { history: HistoryRepository; clock: Clock; ids: IdGenerator };

/** The object a history entry is about. */
export interface HistoryObject {
  readonly type: HistoryObjectType;
  readonly id: string;
  readonly repr: string;
}

/** Who an entry names: a staff member, or (`userId` null) one whose account is gone. */
export type HistoryAuthor = Pick<HistoryEntry, "userId" | "username">;

/** Adds one entry of the staff member's to the history. Callers run it in the transaction of the change itself. */
export function recordHistory(
  deps: HistoryDeps,
  staff: HistoryAuthor,
  object: HistoryObject,
  action: HistoryAction,
  changeMessage: string,
): Promise<void> {
  const entry: HistoryEntry = {
    id: deps.ids.newId(),
    actionTime: deps.clock.now(),
    userId: staff.userId,
    username: staff.username,
    objectType: object.type,
    objectId: object.id,
    objectRepr: [...object.repr].slice(0, OBJECT_REPR_MAX_LENGTH).join(""),
    action,
    changeMessage,
  };
  return deps.history.add(entry);
}

/** Django's change message: "Changed Title and Status.", or "No fields changed." */
export function changedFieldsMessage(labels: readonly string[]): string {
  if (labels.length === 0) return "No fields changed.";
  const list = labels.length === 1 ? labels[0] : `${labels.slice(0, -1).join(", ")} and ${labels.at(-1)}`;
  return `Changed ${list}.`;
}

/** The labels of the fields whose new value differs from the old one, in the order given. */
export function changedLabels<T>(before: T, after: Partial<T>, labels: { readonly [K in keyof T]?: string }): string[] {
  return (Object.keys(labels) as (keyof T)[]).flatMap((key) => {
    const label = labels[key];
    return label !== undefined && after[key] !== undefined && after[key] !== before[key] ? [label] : [];
  });
}
