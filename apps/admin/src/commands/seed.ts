import { OPERATOR, type TaskStatus, type User, UserNotFound } from "@tasks/domain";
import {
  type Command,
  type CommandContext,
  CommandError,
  type CommandInput,
  flag,
  JSON_OPTION,
  printJson,
  printLine,
  printTable,
  stringOption,
  UsageError,
} from "../command.ts";
import { plural } from "../table.ts";
import type { UseCases } from "../use-cases.ts";

/** Every sample user's password: known, so that anyone can log in with it, and so never for production. */
export const SEED_PASSWORD = "try-the-api";

const NAMES = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "oscar", "peggy"];

const TITLES = [
  "Renew the passport",
  "Book the dentist appointment",
  "Write the quarterly report",
  "Fix the leaking kitchen tap",
  "Plan the team offsite",
  "Reply to the landlord about the lease",
  "Pay the electricity bill",
  "Prepare the sprint demo",
  "Review the pull request for the login page",
  "Buy a birthday present for Sam",
  "Back up the laptop",
  "Update the CV",
  "Call the insurance company",
  "Clean out the garage",
  "Read 'Designing Data-Intensive Applications'",
  "Order new printer ink",
  "Set up the CI pipeline",
  "Cancel the unused gym membership",
  "Water the plants",
  "File the expense report",
  "Translate the onboarding guide",
  "Move the blog to the new host",
  "Schedule the car service",
  "Draft the newsletter",
];

const DESCRIPTIONS = [
  "Before the end of the month.",
  "Ask about the weekend slots first.",
  "Numbers are in the shared drive; keep it to two pages.",
  "",
];

// About half to do, a quarter in progress, a quarter done: what a real list tends to look like.
const STATUS_CYCLE: readonly TaskStatus[] = ["todo", "doing", "todo", "done", "todo", "done", "doing", "todo"];

const DEFAULT_USERS = 3;
const DEFAULT_TASKS = 24;
const MAX_USERS = 100;
const MAX_TASKS = 10_000;

interface SeededUser {
  readonly id: string;
  readonly username: string;
  readonly password: string;
  readonly tasks: number;
}

const seed: Command = {
  name: "seed",
  summary: "Fill a fresh database with sample users and tasks to try the API with.",
  details:
    `Every sample user has the password "${SEED_PASSWORD}"; the command prints the logins it made. ` +
    "It refuses a database that already has users unless --force, and never runs with NODE_ENV=production.",
  options: {
    users: { type: "string", valueName: "n", description: `how many users (default ${DEFAULT_USERS})` },
    tasks: {
      type: "string",
      valueName: "m",
      description: `how many tasks, spread over the users (default ${DEFAULT_TASKS})`,
    },
    force: { type: "boolean", description: "add the sample users even if the database already has users" },
    ...JSON_OPTION,
  },
  examples: ["taskctl seed", "taskctl seed --users 5 --tasks 60 --json"],
  async run(context, input) {
    const userCount = count(input, "users", DEFAULT_USERS, 1, MAX_USERS);
    const taskCount = count(input, "tasks", DEFAULT_TASKS, 0, MAX_TASKS);
    if (context.config.production)
      throw new CommandError(`seed makes users whose password is known: it does not run with NODE_ENV=production`);
    const useCases = await context.useCases();
    const { count: existing } = await useCases.listUsers.execute({ limit: 1 });
    if (existing > 0 && !flag(input, "force"))
      throw new CommandError(
        `the database already has ${plural(existing, "user")}: seed is for a fresh database (pass --force to add sample users anyway)`,
      );

    const users: User[] = [];
    for (let index = 0; users.length < userCount; index++) {
      const username = NAMES[index] ?? `user${index + 1}`;
      if (await taken(useCases, username)) continue;
      users.push(
        await useCases.createUser.execute({ username, email: `${username}@example.com`, password: SEED_PASSWORD }),
      );
    }
    const tasksPerUser = new Map(users.map((user) => [user.id, 0]));
    for (let index = 0; index < taskCount; index++) {
      const owner = users[index % users.length] as User;
      await useCases.createTask.execute({
        actor: OPERATOR,
        ownerId: owner.id,
        changes: {
          title:
            TITLES[index % TITLES.length] +
            (index >= TITLES.length ? ` (${Math.floor(index / TITLES.length) + 1})` : ""),
          description: DESCRIPTIONS[index % DESCRIPTIONS.length],
          status: STATUS_CYCLE[index % STATUS_CYCLE.length],
        },
      });
      tasksPerUser.set(owner.id, (tasksPerUser.get(owner.id) ?? 0) + 1);
    }
    const seeded: SeededUser[] = users.map((user) => ({
      id: user.id,
      username: user.username,
      password: SEED_PASSWORD,
      tasks: tasksPerUser.get(user.id) ?? 0,
    }));
    printSeeded(context, input, seeded, taskCount);
  },
};

function printSeeded(context: CommandContext, input: CommandInput, users: readonly SeededUser[], tasks: number): void {
  if (flag(input, "json")) {
    printJson(context, { users, tasks });
    return;
  }
  printLine(context, `Created ${plural(users.length, "user")} and ${plural(tasks, "task")}. Log in with:`);
  printTable(
    context,
    [
      { header: "username", value: (user: SeededUser) => user.username },
      { header: "password", value: (user: SeededUser) => user.password },
      { header: "tasks", value: (user: SeededUser) => String(user.tasks) },
    ],
    users,
  );
}

function count(input: CommandInput, name: string, fallback: number, min: number, max: number): number {
  const raw = stringOption(input, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max)
    throw new UsageError(`--${name} expects a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

/** Whether a user by this name (in any case) exists already. */
async function taken(useCases: UseCases, username: string): Promise<boolean> {
  try {
    await useCases.getUser.execute({ username });
    return true;
  } catch (error) {
    if (error instanceof UserNotFound) return false;
    throw error;
  }
}

export const SEED_COMMANDS: readonly Command[] = [seed];
