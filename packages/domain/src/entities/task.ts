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
    const fields = validate({
      title: input.title ?? "",
      description: input.description ?? "",
      status: input.status ?? DEFAULT_TASK_STATUS,
    });
    return new Task({ id: input.id, ownerId: input.ownerId, ...fields, createdAt: input.now, updatedAt: input.now });
  }

  /** Rebuilds a task read from storage, which was validated when it was written. */
  static rehydrate(props: TaskProps): Task {
    return new Task(props);
  }

  /** PATCH: the given fields change, the others stay. */
  update(changes: TaskChanges, now: Date): Task {
    const fields = validate({
      title: changes.title ?? this.title,
      description: changes.description ?? this.description,
      status: changes.status ?? this.status,
    });
    return new Task({ ...this, ...fields, updatedAt: now });
  }

  /** PUT: the given fields change, the omitted ones return to their defaults. */
  replace(changes: TaskChanges, now: Date): Task {
    const fields = validate({
      title: changes.title ?? "",
      description: changes.description ?? "",
      status: changes.status ?? DEFAULT_TASK_STATUS,
    });
    return new Task({ ...this, ...fields, updatedAt: now });
  }
}

function validate(input: { title: string; description: string; status: string }): {
  title: string;
  description: string;
  status: TaskStatus;
} {
  const errors: Record<string, string[]> = {};
  const title = input.title.trim();
  const titleProblem = unstorableTextProblem(title);
  const descriptionProblem = unstorableTextProblem(input.description);
  if (title.length === 0) errors.title = [FIELD_MESSAGES.blank];
  else if ([...title].length > TITLE_MAX_LENGTH) errors.title = [FIELD_MESSAGES.tooLong(TITLE_MAX_LENGTH)];
  else if (titleProblem !== null) errors.title = [titleProblem];
  if ([...input.description].length > DESCRIPTION_MAX_LENGTH)
    errors.description = [FIELD_MESSAGES.tooLong(DESCRIPTION_MAX_LENGTH)];
  else if (descriptionProblem !== null) errors.description = [descriptionProblem];
  if (!isTaskStatus(input.status)) errors.status = [invalidStatusMessage(input.status)];
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  return { title, description: input.description, status: input.status as TaskStatus };
}
