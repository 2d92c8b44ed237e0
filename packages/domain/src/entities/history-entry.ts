/** What a history entry records was done to its object, as Django's ADDITION, CHANGE and DELETION. */
export const HISTORY_ACTIONS = ["addition", "change", "deletion"] as const;
export type HistoryAction = (typeof HISTORY_ACTIONS)[number];
/** The kinds of object the web admin changes. */
export const HISTORY_OBJECT_TYPES = ["task", "user"] as const;
export type HistoryObjectType = (typeof HISTORY_OBJECT_TYPES)[number];

/**
 * One change made through the web admin, as Django's admin keeps a `LogEntry`: who, when,
 * what was done to which object, and a short message. The object's name and the staff
 * member's username are kept as they were, so the history still reads after either is
 * renamed or deleted.
 */
export interface HistoryEntry {
  readonly id: string;
  readonly actionTime: Date;
  /** The staff member who acted; `null` once that user is deleted. */
  readonly userId: string | null;
  readonly username: string;
  readonly objectType: HistoryObjectType;
  readonly objectId: string;
  /** The object's name when it was changed: a task's title, a user's username. */
  readonly objectRepr: string;
  readonly action: HistoryAction;
  /** "Added.", "Changed Title and Status.", "Changed password.", "Deleted.". */
  readonly changeMessage: string;
}

/** Django's admin cuts `object_repr` to 200 characters. */
export const OBJECT_REPR_MAX_LENGTH = 200;
