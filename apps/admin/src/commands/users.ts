import { OPERATOR, type User } from "@tasks/domain";
import {
  type Command,
  type CommandContext,
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
  stringOption,
  YES_OPTION,
} from "../command.ts";
import { createNewUser } from "../new-user.ts";
import { askNewPassword, PASSWORD_OPTIONS, passwordOrTerminal } from "../passwords.ts";
import { plural } from "../table.ts";
import { LOGIN_COLUMNS, loginJson, USER_COLUMNS, userJson } from "../views.ts";

const USERNAME = { name: "username", description: "the user's username (any case)" };

function printUser(context: CommandContext, input: CommandInput, user: User, message: string): void {
  if (flag(input, "json")) printJson(context, userJson(user));
  else printLine(context, message);
}

const create: Command = {
  name: "users create",
  summary: "Create an active user.",
  details:
    "On a terminal, asks for what is missing (username, email) and for the password, twice and hidden, " +
    "repeating a question until the answer is valid. Without a terminal, the password comes from " +
    "--password-stdin, or from TASKCTL_PASSWORD with --no-input.",
  arguments: [
    { ...USERNAME, optional: true, description: "the new user's username (asked on a terminal if left out)" },
  ],
  options: {
    email: { type: "string", valueName: "email", description: "the user's email address" },
    staff: { type: "boolean", description: "mark the user as staff" },
    superuser: { type: "boolean", description: "make the user a superuser (and staff)" },
    ...PASSWORD_OPTIONS,
    ...JSON_OPTION,
  },
  examples: [
    "taskctl users create alice --email alice@example.com",
    "printf '%s' \"$PASSWORD\" | taskctl users create bob --password-stdin --json",
  ],
  async run(context, input) {
    const user = await createNewUser(context, input, {
      username: input.arguments[0],
      email: stringOption(input, "email"),
      isStaff: flag(input, "staff"),
      isSuperuser: flag(input, "superuser"),
      missingUsername: "missing argument <username>",
    });
    printUser(context, input, user, `User "${user.username}" created.`);
  },
};

const list: Command = {
  name: "users list",
  summary: "List the users, oldest first, a page at a time.",
  details: "Times are UTC.",
  options: { ...PAGE_OPTIONS, ...JSON_OPTION },
  examples: ["taskctl users list", "taskctl users list --limit 50 --page 2", "taskctl users list --json"],
  async run(context, input) {
    const users = await (await context.useCases()).listUsers.execute(pageOptions(input));
    if (flag(input, "json")) return printJson(context, pageJson(users, userJson));
    printTable(context, USER_COLUMNS, users.results);
    printLine(context, pageSummary(users, "user"));
  },
};

const setPassword: Command = {
  name: "users set-password",
  summary: "Set a user's password; every login of the user ends at once.",
  details:
    "On a terminal, asks for the new password twice, hidden. Without a terminal, the password comes from " +
    "--password-stdin, or from TASKCTL_PASSWORD with --no-input.",
  arguments: [USERNAME],
  options: { ...PASSWORD_OPTIONS, ...JSON_OPTION },
  examples: [
    "taskctl users set-password alice",
    "printf '%s' \"$PASSWORD\" | taskctl users set-password alice --password-stdin",
  ],
  async run(context, input) {
    const username = input.arguments[0] as string;
    const given = await passwordOrTerminal(context, input);
    const useCases = await context.useCases();
    let password: string;
    if (typeof given === "string") password = given;
    else {
      const user = await useCases.getUser.execute({ username });
      given.say(`Changing the password of "${user.username}".`);
      password = await askNewPassword(given, user);
    }
    const user = await useCases.setPassword.execute({ username, password });
    printUser(context, input, user, `Password of "${user.username}" changed; every login of theirs has ended.`);
  },
};

const deactivate: Command = {
  name: "users deactivate",
  summary: "Stop a user from logging in; every login of theirs ends at once.",
  arguments: [USERNAME],
  options: { ...JSON_OPTION },
  examples: ["taskctl users deactivate alice"],
  async run(context, input) {
    const user = await (await context.useCases()).deactivateUser.execute({ username: input.arguments[0] as string });
    printUser(context, input, user, `User "${user.username}" deactivated.`);
  },
};

const activate: Command = {
  name: "users activate",
  summary: "Let a deactivated user log in again (tokens revoked earlier stay revoked).",
  arguments: [USERNAME],
  options: { ...JSON_OPTION },
  examples: ["taskctl users activate alice"],
  async run(context, input) {
    const user = await (await context.useCases()).activateUser.execute({ username: input.arguments[0] as string });
    printUser(context, input, user, `User "${user.username}" activated.`);
  },
};

const remove: Command = {
  name: "users delete",
  summary: "Delete a user with all their tasks and sessions.",
  details: "Asks for confirmation on a terminal; without one, --yes is required.",
  arguments: [USERNAME],
  options: { ...YES_OPTION, ...JSON_OPTION },
  examples: ["taskctl users delete alice", "taskctl users delete alice --yes --json"],
  async run(context, input) {
    const confirm = confirmation(context, input);
    const useCases = await context.useCases();
    const user = await useCases.getUser.execute({ username: input.arguments[0] as string });
    const { count } = await useCases.listAllTasks.execute({ actor: OPERATOR, username: user.username, limit: 1 });
    const question = `Delete user "${user.username}" and their ${plural(count, "task")}? This cannot be undone.`;
    await confirm(question);
    const deleted = await useCases.deleteUser.execute({ username: user.username });
    printUser(context, input, deleted, `User "${deleted.username}" and their ${plural(count, "task")} deleted.`);
  },
};

const sessions: Command = {
  name: "users sessions",
  summary: "List a user's live logins (token logins and browser sessions), newest first.",
  details: "Times are UTC.",
  arguments: [USERNAME],
  options: { ...JSON_OPTION },
  examples: ["taskctl users sessions alice", "taskctl users sessions alice --json"],
  async run(context, input) {
    const useCases = await context.useCases();
    const user = await useCases.getUser.execute({ username: input.arguments[0] as string });
    const logins = await useCases.listLogins.execute({ userId: user.id });
    if (flag(input, "json")) return printJson(context, logins.map(loginJson));
    printTable(context, LOGIN_COLUMNS, logins);
    printLine(context, `(${plural(logins.length, "login")} of "${user.username}")`);
  },
};

const revokeSessions: Command = {
  name: "users revoke-sessions",
  summary: "End every login of a user: their tokens and browser sessions stop working at once.",
  details: "The user can log in again (a deactivated user cannot).",
  arguments: [USERNAME],
  options: { ...JSON_OPTION },
  examples: ["taskctl users revoke-sessions alice"],
  async run(context, input) {
    const useCases = await context.useCases();
    const user = await useCases.getUser.execute({ username: input.arguments[0] as string });
    const revoked = await useCases.revokeLogins.execute({ userId: user.id, reason: "admin" });
    if (flag(input, "json")) return printJson(context, { username: user.username, revoked });
    printLine(context, `Revoked ${plural(revoked, "login")} of "${user.username}".`);
  },
};

export const USER_COMMANDS: readonly Command[] = [
  create,
  list,
  setPassword,
  deactivate,
  activate,
  remove,
  sessions,
  revokeSessions,
];
