import {
  DEFAULT_OPERATOR_TASK_ORDERING,
  DEFAULT_TASK_STATUS,
  DESCRIPTION_MAX_LENGTH,
  OPERATOR,
  OPERATOR_TASK_ORDERING_FIELDS,
  parseOrdering,
  staffMember,
  TASK_STATUSES,
  type Task,
  TaskNotFound,
  TITLE_MAX_LENGTH,
  ValidationError,
} from "@tasks/domain";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AdminUseCases } from "./admin-use-cases.ts";
import { type Column, changeListPage, filter, listParams, pageNumber, selectedForDeletion } from "./change-list.ts";
import { nullIfNotFound } from "./errors.ts";
import { type FormField, formFields, splitErrors } from "./forms.ts";
import { countOf, formatTime, STATUS_LABELS } from "./labels.ts";
import { TASKS_PATH } from "./paths.ts";
import type { AdminPages } from "./render.ts";

const TASKS_CRUMB = { label: "Tasks", href: TASKS_PATH };

export const taskUrl = (id: string, page: "change" | "delete" | "history" = "change") =>
  `${TASKS_PATH}${encodeURIComponent(id)}/${page}/`;

const COLUMNS: readonly Column[] = [
  { label: "ID", field: "id" },
  { label: "Title", field: "title" },
  { label: "Owner", field: "owner" },
  { label: "Status", field: "status" },
  { label: "Created", field: "created_at" },
  { label: "Updated", field: "updated_at" },
];
const STATUS_CHOICES = TASK_STATUSES.map((status) => ({ value: status, label: STATUS_LABELS[status] }));
/** How many users the "By owner" filter lists; any other owner is one `?owner=` away. */
const OWNER_CHOICES = 100;
const FORM_FIELDS = ["title", "description", "status", "owner"] as const;
type TaskForm = Record<(typeof FORM_FIELDS)[number], string>;

type Deps = { readonly pages: AdminPages; readonly useCases: AdminUseCases };

/** Tasks in the web admin: the change list with its filters and bulk delete, the add, change, delete and history pages. */
export function taskPages(admin: FastifyInstance, deps: Deps): void {
  const { pages, useCases } = deps;

  admin.get("/tasks/task/", async (request, reply) => {
    const params = listParams(request.query, ["q", "o", "p", "status", "owner"]);
    const ordering = parseOrdering(params.o, OPERATOR_TASK_ORDERING_FIELDS, DEFAULT_OPERATOR_TASK_ORDERING);
    const page = await useCases.listAllTasks.execute({
      actor: OPERATOR,
      status: params.status,
      username: params.owner,
      search: params.q,
      ordering: params.o,
      page: pageNumber(params.p),
    });
    const total = params.q ? (await useCases.listAllTasks.execute({ actor: OPERATOR, limit: 1 })).count : page.count;
    const owners = await useCases.listUsers.execute({ ordering: "username", limit: OWNER_CHOICES });
    return pages.render(
      request,
      reply,
      "change-list",
      changeListPage({
        path: TASKS_PATH,
        params,
        filterNames: ["status", "owner"],
        singular: "task",
        plural: "tasks",
        page,
        total,
        columns: COLUMNS,
        ordering,
        filters: [
          filter(TASKS_PATH, params, "By status", "status", STATUS_CHOICES),
          filter(
            TASKS_PATH,
            params,
            "By owner",
            "owner",
            owners.results.map((user) => ({ value: user.username, label: user.username })),
          ),
        ],
        filterNote:
          owners.count > OWNER_CHOICES ? `By owner lists the first ${OWNER_CHOICES} of ${owners.count} users.` : null,
        rows: page.results.map(({ task, ownerUsername }) => ({
          id: task.id,
          name: task.title,
          cells: [
            { field: "id", text: task.id, href: taskUrl(task.id) },
            { field: "title", text: task.title, href: taskUrl(task.id) },
            { field: "owner", text: ownerUsername },
            { field: "status", text: STATUS_LABELS[task.status] },
            { field: "created_at", text: formatTime(task.createdAt) },
            { field: "updated_at", text: formatTime(task.updatedAt) },
          ],
        })),
      }),
    );
  });

  admin.post("/tasks/task/", async (request, reply) => {
    const selected = selectedForDeletion(request, reply, pages, TASKS_PATH);
    if (selected === null) return reply;
    const { ids } = selected;
    if (selected.confirmed) {
      const deleted = await useCases.adminDeleteTasks.execute({ staff: staffMember(request.user), ids });
      pages.flash(request, reply, "success", `Successfully deleted ${countOf(deleted.length, "task", "tasks")}.`);
      return reply.redirect(TASKS_PATH, 303);
    }
    const tasks = await findTasks(useCases, ids);
    return confirmDeletion(request, reply, pages, tasks, {
      action: TASKS_PATH,
      hidden: [
        { name: "action", value: "delete_selected" },
        ...tasks.map((task) => ({ name: "_selected_action", value: task.id })),
      ],
      breadcrumbs: [TASKS_CRUMB, { label: "Delete multiple objects" }],
    });
  });

  admin.get("/tasks/task/add/", async (request, reply) =>
    renderForm(request, reply, pages, null, { title: "", description: "", status: DEFAULT_TASK_STATUS, owner: "" }),
  );

  admin.post("/tasks/task/add/", async (request, reply) => {
    const form = formFields(request.body, FORM_FIELDS);
    try {
      const task = await useCases.adminAddTask.execute({
        staff: staffMember(request.user),
        owner: form.owner,
        changes: form,
      });
      pages.flash(request, reply, "success", `The task “${task.title}” was added successfully.`);
      return reply.redirect(TASKS_PATH, 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return renderForm(request, reply, pages, null, form, error);
    }
  });

  admin.get<{ Params: { id: string } }>("/tasks/task/:id/", async (request, reply) =>
    reply.redirect(taskUrl(request.params.id), 302),
  );

  admin.get<{ Params: { id: string } }>("/tasks/task/:id/change/", async (request, reply) => {
    const found = await useCases.getTaskWithOwner
      .execute({ actor: OPERATOR, id: request.params.id })
      .catch(nullIfNotFound);
    // As Django's admin does, for a link (in Recent actions, say) to a task deleted since.
    if (found === null)
      return pages.goneToIndex(
        request,
        reply,
        `Task with ID “${request.params.id}” doesn’t exist. Perhaps it was deleted?`,
      );
    return renderForm(request, reply, pages, found.task, { ...found.task, owner: found.ownerUsername });
  });

  admin.post<{ Params: { id: string } }>("/tasks/task/:id/change/", async (request, reply) => {
    const task = await useCases.getTask.execute({ actor: OPERATOR, id: request.params.id });
    const form = formFields(request.body, FORM_FIELDS);
    try {
      const changed = await useCases.adminChangeTask.execute({
        staff: staffMember(request.user),
        id: task.id,
        owner: form.owner,
        changes: form,
      });
      pages.flash(request, reply, "success", `The task “${changed.title}” was changed successfully.`);
      return reply.redirect(TASKS_PATH, 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return renderForm(request, reply, pages, task, form, error);
    }
  });

  admin.get<{ Params: { id: string } }>("/tasks/task/:id/delete/", async (request, reply) => {
    const task = await useCases.getTask.execute({ actor: OPERATOR, id: request.params.id });
    return confirmDeletion(request, reply, pages, [task], {
      action: taskUrl(task.id, "delete"),
      hidden: [],
      breadcrumbs: [TASKS_CRUMB, { label: task.title, href: taskUrl(task.id) }, { label: "Delete" }],
    });
  });

  admin.post<{ Params: { id: string } }>("/tasks/task/:id/delete/", async (request, reply) => {
    const [task] = await useCases.adminDeleteTasks.execute({
      staff: staffMember(request.user),
      ids: [request.params.id],
    });
    if (task === undefined) throw new TaskNotFound();
    pages.flash(request, reply, "success", `The task “${task.title}” was deleted successfully.`);
    return reply.redirect(TASKS_PATH, 303);
  });

  admin.get<{ Params: { id: string } }>("/tasks/task/:id/history/", async (request, reply) => {
    const entries = await useCases.objectHistory.execute({ objectType: "task", objectId: request.params.id });
    const task = await useCases.getTask.execute({ actor: OPERATOR, id: request.params.id }).catch(nullIfNotFound);
    const name = task?.title ?? entries.at(-1)?.objectRepr ?? request.params.id;
    return pages.render(request, reply, "history", {
      title: `Change history: ${name}`,
      breadcrumbs: [
        TASKS_CRUMB,
        task ? { label: name, href: taskUrl(task.id) } : { label: name },
        { label: "History" },
      ],
      entries,
      formatTime,
    });
  });
}

/** The tasks of these ids that exist, for a confirmation page. */
async function findTasks(useCases: AdminUseCases, ids: readonly string[]): Promise<Task[]> {
  const found = await Promise.all(
    [...new Set(ids)].map((id) => useCases.getTask.execute({ actor: OPERATOR, id }).catch(nullIfNotFound)),
  );
  return found.filter((task): task is Task => task !== null);
}

function confirmDeletion(
  request: FastifyRequest,
  reply: FastifyReply,
  pages: AdminPages,
  tasks: readonly Task[],
  form: { action: string; hidden: { name: string; value: string }[]; breadcrumbs: { label: string; href?: string }[] },
): Promise<FastifyReply> {
  const one = tasks.length === 1 && form.hidden.length === 0;
  return pages.render(request, reply, "delete-confirmation", {
    title: "Are you sure?",
    breadcrumbs: form.breadcrumbs,
    intro: one
      ? `Are you sure you want to delete the task “${tasks[0]?.title}”? All of the following related items will be deleted:`
      : "Are you sure you want to delete the selected tasks? All of the following objects and their related items will be deleted:",
    summary: [`Tasks: ${tasks.length}`],
    objects: tasks.map((task) => ({ kind: "Task", label: task.title, href: taskUrl(task.id), related: [], more: 0 })),
    action: form.action,
    hidden: form.hidden,
    backUrl: one && tasks[0] ? taskUrl(tasks[0].id) : TASKS_PATH,
  });
}

function renderForm(
  request: FastifyRequest,
  reply: FastifyReply,
  pages: AdminPages,
  task: Task | null,
  form: TaskForm,
  error?: ValidationError,
): Promise<FastifyReply> {
  const { byField, other } = splitErrors(error?.errors ?? {}, FORM_FIELDS);
  const errorsOf = (name: string) => byField[name] ?? [];
  const fields: FormField[] = [
    {
      name: "title",
      label: "Title",
      kind: "text",
      value: form.title,
      required: true,
      maxLength: TITLE_MAX_LENGTH,
      errors: errorsOf("title"),
    },
    {
      name: "description",
      label: "Description",
      kind: "textarea",
      value: form.description,
      maxLength: DESCRIPTION_MAX_LENGTH,
      errors: errorsOf("description"),
    },
    {
      name: "status",
      label: "Status",
      kind: "select",
      value: form.status,
      choices: STATUS_CHOICES,
      required: true,
      errors: errorsOf("status"),
    },
    {
      name: "owner",
      label: "Owner",
      kind: "text",
      value: form.owner,
      required: true,
      help: "The owner's username.",
      errors: errorsOf("owner"),
    },
  ];
  const title = task ? "Change task" : "Add task";
  return pages.render(
    request,
    reply,
    "change-form",
    {
      title,
      breadcrumbs: [TASKS_CRUMB, { label: task ? task.title : "Add task" }],
      formId: "task_form",
      action: task ? taskUrl(task.id) : `${TASKS_PATH}add/`,
      fields,
      errorCount: Object.keys(byField).length + other.length,
      otherErrors: other,
      objectTools: task ? [{ label: "History", href: taskUrl(task.id, "history") }] : [],
      deleteUrl: task ? taskUrl(task.id, "delete") : null,
    },
    error ? 400 : 200,
  );
}
