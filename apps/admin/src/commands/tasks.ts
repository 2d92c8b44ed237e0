import {
  DESCRIPTION_MAX_LENGTH,
  OPERATOR,
  TASK_STATUSES,
  TaskNotFound,
  type TaskWithOwner,
  TITLE_MAX_LENGTH,
  UserGone,
  UserNotFound,
} from "@tasks/domain";
import {
  type Command,
  type CommandContext,
  CommandError,
  type CommandInput,
  confirmation,
  flag,
  JSON_OPTION,
  PAGE_OPTIONS,
  pageJson,
  pageOptions,
  pageSummary,
  printJson,
  printLine,
  printTable,
  requiredOption,
  stringOption,
  UsageError,
  YES_OPTION,
} from "../command.ts";
import { TASK_COLUMNS, taskJson } from "../views.ts";

const ID = { name: "id", description: "the task's id (as `taskctl tasks list` shows it)" };
const STATUS_NAMES = `${TASK_STATUSES.slice(0, -1).join(", ")} or ${TASK_STATUSES.at(-1)}`;
const TITLE_HELP = `1 to ${TITLE_MAX_LENGTH} characters`;
const DESCRIPTION_HELP = `up to ${DESCRIPTION_MAX_LENGTH.toLocaleString("en")} characters`;

function printTask(context: CommandContext, input: CommandInput, task: TaskWithOwner, message: string): void {
  if (flag(input, "json")) printJson(context, taskJson(task));
  else printLine(context, message);
}

/** The operator may name any task; an unknown id gets a message that says which one. */
async function withTaskId<T>(id: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof TaskNotFound) throw new CommandError(`No task with id "${id}".`);
    throw error;
  }
}

const list: Command = {
  name: "tasks list",
  summary: "List the tasks, newest first, optionally filtered, a page at a time.",
  details: "Times are UTC. Titles longer than the column are cut in the table; --json has them whole.",
  options: {
    user: { type: "string", valueName: "username", description: "only the tasks of this user" },
    status: {
      type: "string",
      valueName: "status",
      description: `only these statuses (${STATUS_NAMES}; comma-separated)`,
    },
    search: {
      type: "string",
      valueName: "text",
      description: "only tasks whose title or description contains it (any case)",
    },
    ...PAGE_OPTIONS,
    ...JSON_OPTION,
  },
  examples: [
    "taskctl tasks list --user alice --status todo,doing",
    "taskctl tasks list --search invoice --json",
    "taskctl tasks list --limit 20 --page 3",
  ],
  async run(context, input) {
    const tasks = await (await context.useCases()).listAllTasks.execute({
      actor: OPERATOR,
      username: stringOption(input, "user"),
      status: stringOption(input, "status"),
      search: stringOption(input, "search"),
      ...pageOptions(input),
    });
    if (flag(input, "json")) return printJson(context, pageJson(tasks, taskJson));
    printTable(context, TASK_COLUMNS, tasks.results);
    printLine(context, pageSummary(tasks, "task"));
  },
};

const create: Command = {
  name: "tasks create",
  summary: "Create a task for a user.",
  options: {
    user: { type: "string", valueName: "username", description: "the owner (required)" },
    title: { type: "string", valueName: "title", description: `${TITLE_HELP} (required)` },
    description: { type: "string", valueName: "text", description: DESCRIPTION_HELP },
    status: { type: "string", valueName: "status", description: `${STATUS_NAMES} (default todo)` },
    ...JSON_OPTION,
  },
  examples: ['taskctl tasks create --user alice --title "Renew the passport" --status doing'],
  async run(context, input) {
    const username = requiredOption(input, "user");
    const title = requiredOption(input, "title");
    const useCases = await context.useCases();
    const owner = await useCases.getUser.execute({ username });
    const task = await useCases.createTask
      .execute({
        actor: OPERATOR,
        ownerId: owner.id,
        changes: { title, description: stringOption(input, "description"), status: stringOption(input, "status") },
      })
      .catch((error: unknown) => {
        // Deleted since the look-up: said as if it had been before, as the web admin's form does.
        throw error instanceof UserGone && error.userId === owner.id ? new UserNotFound(username) : error;
      });
    printTask(
      context,
      input,
      { task, ownerUsername: owner.username },
      `Task ${task.id} created for "${owner.username}".`,
    );
  },
};

const update: Command = {
  name: "tasks update",
  summary: "Change a task's title, description or status; the other fields stay as they are.",
  arguments: [ID],
  options: {
    title: { type: "string", valueName: "title", description: TITLE_HELP },
    description: { type: "string", valueName: "text", description: DESCRIPTION_HELP },
    status: { type: "string", valueName: "status", description: STATUS_NAMES },
    ...JSON_OPTION,
  },
  examples: ["taskctl tasks update 0199c0de-5a1e-7000-8000-000000000001 --status done"],
  async run(context, input) {
    const id = input.arguments[0] as string;
    const changes = {
      title: stringOption(input, "title"),
      description: stringOption(input, "description"),
      status: stringOption(input, "status"),
    };
    if (Object.values(changes).every((value) => value === undefined))
      throw new UsageError("nothing to change: give --title, --description or --status");
    const useCases = await context.useCases();
    const updated = await withTaskId(id, async () => {
      // Read first for the owner's username, which an update never changes.
      const { ownerUsername } = await useCases.getTaskWithOwner.execute({ actor: OPERATOR, id });
      return { task: await useCases.updateTask.execute({ actor: OPERATOR, id, changes }), ownerUsername };
    });
    printTask(context, input, updated, `Task ${id} updated: "${updated.task.title}".`);
  },
};

const remove: Command = {
  name: "tasks delete",
  summary: "Delete a task.",
  details: "Asks for confirmation on a terminal; without one, --yes is required.",
  arguments: [ID],
  options: { ...YES_OPTION, ...JSON_OPTION },
  examples: ["taskctl tasks delete 0199c0de-5a1e-7000-8000-000000000001 --yes"],
  async run(context, input) {
    const id = input.arguments[0] as string;
    const confirm = confirmation(context, input);
    const useCases = await context.useCases();
    const task = await withTaskId(id, () => useCases.getTaskWithOwner.execute({ actor: OPERATOR, id }));
    await confirm(`Delete task "${task.task.title}" of "${task.ownerUsername}"?`);
    await withTaskId(id, () => useCases.deleteTask.execute({ actor: OPERATOR, id }));
    printTask(context, input, task, `Task ${id} deleted.`);
  },
};

export const TASK_COMMANDS: readonly Command[] = [list, create, update, remove];
