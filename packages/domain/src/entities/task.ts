import { ValidationError } from "../errors.ts";
import { FIELD_MESSAGES } from "../field-messages.ts";
import { DEFAULT_TASK_STATUS, invalidStatusMessage, isTaskStatus, type TaskStatus } from "./task-status.ts";
import { unstorableTextProblem } from "./text.ts";

export const TITLE_MAX_LENGTH = 200;
export const DESCRIPTION_MAX_LENGTH = 10_000;

export interface TaskProps {
  readonly id: string;
  readonly ownerId: string;
  readonly title: string;
  readonly description: string;
  readonly status: TaskStatus;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The fields a caller may write. `status` is a string here: the entity decides if it is one. */
export interface TaskChanges {
  readonly title?: string;
  readonly description?: string;
  readonly status?: string;
}

/** A task's writable fields, checked. */
export interface TaskFields {
  readonly title: string;
  readonly description: string;
  readonly status: TaskStatus;
}

export class Task implements TaskProps {
  declare readonly id: string;
  declare readonly ownerId: string;
  declare readonly title: string;
  declare readonly description: string;
  declare readonly status: TaskStatus;
  declare readonly createdAt: Date;
  declare readonly updatedAt: Date;

  private constructor(props: TaskProps) {
    Object.assign(this, props);
  }

  static create(input: { id: string; ownerId: string; now: Date } & TaskChanges): Task {
    const fields = Task.checkReplacement(input);
    return new Task({ id: input.id, ownerId: input.ownerId, ...fields, createdAt: input.now, updatedAt: input.now });
  }

  /** Rebuilds a task read from storage, which was validated when it was written. */
  static rehydrate(props: TaskProps): Task {
    return new Task(props);
  }

  /**
   * PATCH: the given fields, checked; the others stay as stored. No rule depends on a
   * task's current state, so a change is checked before the task is read, and storage
   * writes it in one step.
   */
  static checkUpdate(changes: TaskChanges): Partial<TaskFields> {
    return check(changes);
  }

  /** PUT: every field, checked; the omitted ones return to their defaults. */
  static checkReplacement(changes: TaskChanges): TaskFields {
    const { title = "", description = "", status = DEFAULT_TASK_STATUS } = changes;
    return { title, description, status: DEFAULT_TASK_STATUS, ...check({ title, description, status }) };
  }

  /** The task with checked fields (and maybe a new owner) written at `now`: what storage keeps after an update. */
  withFields(fields: Partial<TaskFields> & { readonly ownerId?: string }, now: Date): Task {
    return new Task({ ...this, ...fields, updatedAt: now });
  }
}

function check(changes: TaskChanges): Partial<TaskFields> {
  const errors: Record<string, string[]> = {};
  const fields: { -readonly [K in keyof TaskFields]?: TaskFields[K] } = {};
  if (changes.title !== undefined) {
    const title = changes.title.trim();
    const problem = unstorableTextProblem(title);
    if (title.length === 0) errors.title = [FIELD_MESSAGES.blank];
    else if ([...title].length > TITLE_MAX_LENGTH) errors.title = [FIELD_MESSAGES.tooLong(TITLE_MAX_LENGTH)];
    else if (problem !== null) errors.title = [problem];
    else fields.title = title;
  }
  if (changes.description !== undefined) {
    const problem = unstorableTextProblem(changes.description);
    if ([...changes.description].length > DESCRIPTION_MAX_LENGTH)
      errors.description = [FIELD_MESSAGES.tooLong(DESCRIPTION_MAX_LENGTH)];
    else if (problem !== null) errors.description = [problem];
    else fields.description = changes.description;
  }
  if (changes.status !== undefined) {
    if (isTaskStatus(changes.status)) fields.status = changes.status;
    else errors.status = [invalidStatusMessage(changes.status)];
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  return fields;
}
