import {
  DEFAULT_PAGE_SIZE,
  DESCRIPTION_MAX_LENGTH,
  MAX_PAGE_SIZE,
  TASK_ORDERING_FIELDS,
  TASK_STATUSES,
  type Task,
  TITLE_MAX_LENGTH,
} from "@tasks/domain";
import Type from "typebox";
import { ref } from "./ref.ts";

export const TaskStatusSchema = Type.Enum(TASK_STATUSES, {
  description: `One of ${TASK_STATUSES.join(", ")} (workflow order, which is how \`ordering=status\` sorts).`,
});

const TASK_EXAMPLE = {
  id: "0192f0c4-5b7e-7c3a-9d2e-4f6a8b1c3d5e",
  title: "Write the release notes",
  description: "Mention the new client package.",
  status: "doing",
  created_at: "2026-11-20T09:15:02.417Z",
  updated_at: "2026-11-21T16:40:55.093Z",
};

const taskProperties = {
  id: Type.String({ format: "uuid", description: "Opaque identifier." }),
  title: Type.String(),
  description: Type.String(),
  status: TaskStatusSchema,
  created_at: Type.String({ format: "date-time", description: "ISO 8601, UTC, with milliseconds." }),
  updated_at: Type.String({ format: "date-time", description: "ISO 8601, UTC, with milliseconds." }),
};

export const TaskSchema = Type.Object(taskProperties, {
  $id: "Task",
  description: "The task.",
  examples: [TASK_EXAMPLE],
});

/** What a create answers: the task, and where it lives. */
export const CreatedTaskSchema = ref(TaskSchema, {
  description: "Created.",
  headers: { location: { type: "string", description: "The new task's path: /api/tasks/<id>/." } },
});

export type TaskResource = Type.Static<typeof TaskSchema>;

/** The wire form of a task: snake_case, timestamps in UTC with milliseconds, no owner. */
export function toTaskResource(task: Task): TaskResource {
  return {
    id: task.id,
    title: task.title,
    description: task.description,
    status: task.status,
    created_at: task.createdAt.toISOString(),
    updated_at: task.updatedAt.toISOString(),
  };
}

/**
 * Read-only members a client may send back unchanged (a task it read): dropped before
 * validation. Any other unknown member is refused by `additionalProperties: false`.
 */
export const READ_ONLY_TASK_FIELDS = ["id", "created_at", "updated_at"] as const;

const title = Type.String({
  description: `1 to ${TITLE_MAX_LENGTH} characters after surrounding white space is trimmed.`,
});
const description = Type.String({ maxLength: DESCRIPTION_MAX_LENGTH, description: 'Defaults to "".' });
const status = Type.Enum(TASK_STATUSES, { description: 'Defaults to "todo".' });
const writeOptions = {
  additionalProperties: false,
  description: `\`${READ_ONLY_TASK_FIELDS.join("`, `")}\` are read-only and ignored; any other unknown member is a 400.`,
};

/** POST and PUT: `title` is required; an omitted field takes its default. */
export const TaskFieldsSchema = Type.Object(
  { title, description: Type.Optional(description), status: Type.Optional(status) },
  { ...writeOptions, examples: [{ title: "Write the release notes", description: "Mention the new client package." }] },
);

/** PATCH: any subset. */
export const TaskChangesSchema = Type.Object(
  { title: Type.Optional(title), description: Type.Optional(description), status: Type.Optional(status) },
  { ...writeOptions, examples: [{ status: "done" }] },
);

export const TaskIdParamsSchema = Type.Object({ id: Type.String({ description: "The task's id." }) });

export const TaskListQuerySchema = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, description: "Page number, from 1. Past the last page: 404." })),
  page_size: Type.Optional(
    Type.Integer({
      minimum: 1,
      description: `Tasks per page: default ${DEFAULT_PAGE_SIZE}, larger values are capped at ${MAX_PAGE_SIZE}.`,
    }),
  ),
  ordering: Type.Optional(
    Type.String({
      description:
        `Comma-separated among ${TASK_ORDERING_FIELDS.join(", ")}, each optionally prefixed with "-" ` +
        "(descending). Default -created_at; ties are broken by id.",
      examples: ["-created_at", "status,-updated_at"],
    }),
  ),
  status: Type.Optional(
    Type.String({
      description: `One status or a comma-separated list among ${TASK_STATUSES.join(", ")}.`,
      examples: ["todo", "todo,doing"],
    }),
  ),
});

/**
 * An absolute URL or null, written as a type list rather than `anyOf`: the serializer
 * then picks the branch by a `typeof`, where `anyOf` would run a validator per response.
 */
function pageLink(description: string) {
  return Type.Unsafe<string | null>({ type: ["string", "null"], format: "uri", description });
}

export const TaskPageSchema = Type.Object(
  {
    count: Type.Integer({ description: "How many tasks match, over all pages." }),
    next: pageLink("The next page's URL, or null on the last page."),
    previous: pageLink("The previous page's URL, or null on the first page."),
    results: Type.Array(ref(TaskSchema)),
  },
  {
    $id: "TaskPage",
    description: "One page of tasks.",
    examples: [
      {
        count: 41,
        next: "http://127.0.0.1:3000/api/tasks/?page=3&page_size=20",
        previous: "http://127.0.0.1:3000/api/tasks/?page_size=20",
        results: [TASK_EXAMPLE],
      },
    ],
  },
);
