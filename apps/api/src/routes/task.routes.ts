import {
  type CreateTask,
  type DeleteTask,
  type GetTask,
  type ListTasks,
  type ReplaceTask,
  type UpdateTask,
  userActor,
} from "@tasks/domain";
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from "fastify";
import Type from "typebox";
import type { FastifyTypeBox } from "../http/fastify-typebox.ts";
import { baseUrl } from "../http/hosts.ts";
import { problemResponses } from "../schemas/problem.schema.ts";
import { ref } from "../schemas/ref.ts";
import {
  CreatedTaskSchema,
  READ_ONLY_TASK_FIELDS,
  TaskChangesSchema,
  TaskFieldsSchema,
  TaskIdParamsSchema,
  TaskListQuerySchema,
  TaskPageSchema,
  TaskSchema,
  toTaskResource,
} from "../schemas/task.schema.ts";

export interface TaskDependencies {
  readonly listTasks: ListTasks;
  readonly getTask: GetTask;
  readonly createTask: CreateTask;
  readonly updateTask: UpdateTask;
  readonly replaceTask: ReplaceTask;
  readonly deleteTask: DeleteTask;
  /** Where links point (PUBLIC_URL); `undefined`: the request's host, which the Host check allowed. */
  readonly publicUrl: string | undefined;
}

const TASK_NOT_FOUND = "No such task of the caller's: missing, deleted, another user's, or a malformed id alike.";

/** Every route here is scoped to the caller: the actor is always the authenticated user. */
export function taskRoutes(app: FastifyTypeBox, deps: TaskDependencies): void {
  app.get(
    "/api/tasks/",
    {
      schema: {
        tags: ["tasks"],
        operationId: "listTasks",
        summary: "List tasks",
        description: "One page of the caller's tasks.",
        querystring: TaskListQuerySchema,
        response: { 200: ref(TaskPageSchema), ...problemResponses([404], { 404: "A page past the last one." }) },
      },
    },
    async (request) => {
      const { page, page_size: pageSize, ordering, status } = request.query;
      const actor = userActor(request.user.id);
      const result = await deps.listTasks.execute({ actor, page, pageSize, ordering, status });
      return {
        count: result.count,
        next: result.hasNext ? pageUrl(request, result.page + 1, deps.publicUrl) : null,
        previous: result.hasPrevious ? pageUrl(request, result.page - 1, deps.publicUrl) : null,
        results: result.results.map(toTaskResource),
      };
    },
  );

  app.post(
    "/api/tasks/",
    {
      preValidation: dropReadOnlyFields,
      schema: {
        tags: ["tasks"],
        operationId: "createTask",
        summary: "Create a task",
        body: TaskFieldsSchema,
        response: { 201: CreatedTaskSchema },
      },
    },
    async (request, reply) => {
      const task = await deps.createTask.execute({ actor: userActor(request.user.id), changes: request.body });
      return reply.code(201).header("location", `/api/tasks/${task.id}/`).send(toTaskResource(task));
    },
  );

  app.get(
    "/api/tasks/:id/",
    {
      schema: {
        tags: ["tasks"],
        operationId: "retrieveTask",
        summary: "Retrieve a task",
        description: "One task. Another user's task is a 404, like a missing one.",
        params: TaskIdParamsSchema,
        response: { 200: ref(TaskSchema), ...problemResponses([404], { 404: TASK_NOT_FOUND }) },
      },
    },
    async (request) =>
      toTaskResource(await deps.getTask.execute({ actor: userActor(request.user.id), id: request.params.id })),
  );

  app.patch(
    "/api/tasks/:id/",
    {
      preValidation: dropReadOnlyFields,
      schema: {
        tags: ["tasks"],
        operationId: "partialUpdateTask",
        summary: "Update some fields of a task",
        description: "Change some fields. `updated_at` moves; `created_at` never does.",
        params: TaskIdParamsSchema,
        body: TaskChangesSchema,
        response: { 200: ref(TaskSchema), ...problemResponses([404], { 404: TASK_NOT_FOUND }) },
      },
    },
    async (request) =>
      toTaskResource(
        await deps.updateTask.execute({
          actor: userActor(request.user.id),
          id: request.params.id,
          changes: request.body,
        }),
      ),
  );

  app.put(
    "/api/tasks/:id/",
    {
      preValidation: dropReadOnlyFields,
      schema: {
        tags: ["tasks"],
        operationId: "updateTask",
        summary: "Replace a task",
        description: "Replace the writable fields; omitted ones return to their defaults.",
        params: TaskIdParamsSchema,
        body: TaskFieldsSchema,
        response: { 200: ref(TaskSchema), ...problemResponses([404], { 404: TASK_NOT_FOUND }) },
      },
    },
    async (request) =>
      toTaskResource(
        await deps.replaceTask.execute({
          actor: userActor(request.user.id),
          id: request.params.id,
          changes: request.body,
        }),
      ),
  );

  app.delete(
    "/api/tasks/:id/",
    {
      schema: {
        tags: ["tasks"],
        operationId: "deleteTask",
        summary: "Delete a task",
        params: TaskIdParamsSchema,
        response: { 204: Type.Null({ description: "Deleted." }), ...problemResponses([404], { 404: TASK_NOT_FOUND }) },
      },
    },
    async (request, reply) => {
      await deps.deleteTask.execute({ actor: userActor(request.user.id), id: request.params.id });
      return reply.code(204).send(null);
    },
  );
}

/** A client may send back a task it read: its read-only members are ignored, not refused. */
function dropReadOnlyFields(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const body = request.body;
  if (typeof body === "object" && body !== null && !Array.isArray(body))
    for (const field of READ_ONLY_TASK_FIELDS) delete (body as Record<string, unknown>)[field];
  done();
}

// An absolute-form request target (`GET http://host/path`) is routed on its path, as
// find-my-way does; its scheme and authority go nowhere.
const ABSOLUTE_FORM_PREFIX = /^https?:\/\/[^/?#]*/i;

/**
 * The absolute URL of another page of the same list, keeping the other query parameters:
 * under PUBLIC_URL (and its path prefix) when it is set, else on the request's own host,
 * which the Host check allowed. Page 1 is written without `page`, as Django REST Framework
 * writes it.
 */
function pageUrl(request: FastifyRequest, page: number, publicUrl: string | undefined): string {
  const url = new URL(baseUrl(request, publicUrl));
  const target = request.url.replace(ABSOLUTE_FORM_PREFIX, "");
  const queryStart = target.indexOf("?");
  // Path and query are set apart, so that nothing in the request target can change the host.
  url.pathname = `${url.pathname.replace(/\/$/, "")}${queryStart < 0 ? target : target.slice(0, queryStart)}`;
  url.search = queryStart < 0 ? "" : target.slice(queryStart);
  if (page === 1) url.searchParams.delete("page");
  else url.searchParams.set("page", String(page));
  return url.toString();
}
