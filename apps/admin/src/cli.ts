import type { ReadStream } from "node:tty";
import { parseArgs } from "node:util";
import { DomainError, type DomainErrorCode, PageNotFound, ServiceUnavailable, ValidationError } from "@tasks/domain";
import { ConfigError, type DatabaseConfig, type Environment, loadConfig, readEnvironment } from "@tasks/platform";
import {
  COMMON_OPTIONS,
  type Command,
  type CommandContext,
  CommandError,
  type CommandInput,
  type OptionSpec,
  UsageError,
} from "./command.ts";
import { CREATESUPERUSER_COMMANDS } from "./commands/createsuperuser.ts";
import { MIGRATE_COMMANDS } from "./commands/migrate.ts";
import { SEED_COMMANDS } from "./commands/seed.ts";
import { TASK_COMMANDS } from "./commands/tasks.ts";
import { USER_COMMANDS } from "./commands/users.ts";
import type { Container } from "./container.ts";
import { Cancelled, Terminal } from "./terminal.ts";
import { visible } from "./visible.ts";

export const COMMANDS: readonly Command[] = [
  ...MIGRATE_COMMANDS,
  ...CREATESUPERUSER_COMMANDS,
  ...USER_COMMANDS,
  ...TASK_COMMANDS,
  ...SEED_COMMANDS,
];

export const EXIT_SUCCESS = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** The process's streams, or in-memory ones in the in-process tests. */
export interface Io {
  /** A terminal when `isTTY` is true, as `process.stdin` is then a `tty.ReadStream`. */
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

export interface Invocation {
  readonly argv: readonly string[];
  readonly env: Environment;
  readonly cwd: string;
  readonly io: Io;
  /** The composition root, given by the entry point: opened only when a command needs the database. */
  readonly openContainer: (config: DatabaseConfig) => Promise<Container>;
}

const HELP_FLAGS = new Set(["--help", "-h"]);

/** Runs one taskctl command line and answers its exit status: 0 done, 1 failed, 2 wrong usage. */
export async function runTaskctl(invocation: Invocation): Promise<number> {
  const { io } = invocation;
  const verbose = invocation.argv.includes("--verbose");
  const argv = invocation.argv[0] === "--verbose" ? invocation.argv.slice(1) : invocation.argv;
  const [first, second] = argv;
  if (first === undefined) {
    io.stderr.write(overview());
    return EXIT_USAGE;
  }
  if (HELP_FLAGS.has(first) || first === "help") return printHelpFor(io, argv.slice(1));

  const command =
    COMMANDS.find((candidate) => candidate.name === `${first} ${second}`) ??
    COMMANDS.find((candidate) => candidate.name === first);
  if (command === undefined) {
    const group = groupCommands(first);
    if (group.length === 0) return usageError(io, "taskctl", `unknown command "${first}"`, "taskctl --help");
    if (second !== undefined && HELP_FLAGS.has(second)) {
      io.stdout.write(groupHelp(first, group));
      return EXIT_SUCCESS;
    }
    if (second === undefined) {
      io.stderr.write(groupHelp(first, group));
      return EXIT_USAGE;
    }
    return usageError(io, `taskctl ${first}`, `unknown command "${second}"`, `taskctl ${first} --help`);
  }

  const rest = argv.slice(command.name.split(" ").length);
  if (rest.some((arg) => HELP_FLAGS.has(arg))) {
    io.stdout.write(commandHelp(command));
    return EXIT_SUCCESS;
  }
  let input: CommandInput;
  try {
    input = parseInput(command, rest);
  } catch (error) {
    if (error instanceof UsageError) return usageError(io, `taskctl ${command.name}`, error.message);
    throw error;
  }

  let container: Promise<Container> | undefined;
  try {
    const env = readEnvironment(invocation.cwd, invocation.env);
    const config = loadConfig(env, invocation.cwd);
    const open = () => {
      container ??= invocation.openContainer(config.database);
      return container;
    };
    const context: CommandContext = {
      config,
      env,
      stdin: io.stdin,
      stdout: io.stdout,
      terminal: io.stdin.isTTY ? new Terminal(io.stdin as ReadStream, io.stderr) : null,
      useCases: async () => (await open()).useCases,
      database: async () => (await open()).database,
    };
    await command.run(context, input);
    return EXIT_SUCCESS;
  } catch (error) {
    if (error instanceof UsageError) return usageError(io, `taskctl ${command.name}`, error.message);
    io.stderr.write(`taskctl ${command.name}: ${visible(describe(error))}\n`);
    if (verbose && error instanceof Error && error.stack)
      io.stderr.write(`${error.stack.split("\n").map(visible).join("\n")}\n`);
    return EXIT_FAILURE;
  } finally {
    await container?.then((opened) => opened.close()).catch(() => {});
  }
}

function parseInput(command: Command, args: readonly string[]): CommandInput {
  const specs: Record<string, OptionSpec> = { ...command.options, ...COMMON_OPTIONS };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
      options: Object.fromEntries(
        Object.entries(specs).map(([name, spec]) => [
          name,
          spec.short ? { type: spec.type, short: spec.short } : { type: spec.type },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    if (!(error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS")))
      throw error;
    // util.parseArgs says what is wrong in its first sentence; its advice on positional
    // arguments that start with a dash would only confuse here.
    if (error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION")
      throw new UsageError(error.message.split(". ")[0] ?? error.message);
    throw new UsageError(error.message.replaceAll("\n", " "));
  }
  const specified = command.arguments ?? [];
  const required = specified.filter((argument) => !argument.optional);
  const missing = required[parsed.positionals.length];
  if (missing) throw new UsageError(`missing argument <${missing.name}>`);
  const extra = parsed.positionals[specified.length];
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  return { arguments: parsed.positionals, options: parsed.values as CommandInput["options"] };
}

function usageError(io: Io, prefix: string, message: string, helpCommand = `${prefix} --help`): number {
  io.stderr.write(`${prefix}: ${visible(message)} (see "${helpCommand}")\n`);
  return EXIT_USAGE;
}

/**
 * taskctl's words for each domain error: one table typed over every code, so a new code
 * without a line here does not compile.
 */
const DOMAIN_ERROR_LINES: Readonly<Record<DomainErrorCode, (error: DomainError) => string>> = {
  VALIDATION_FAILED: (error) =>
    error instanceof ValidationError
      ? Object.entries(error.errors)
          .map(([field, messages]) => `${field}: ${messages.join(" ")}`)
          .join("; ")
      : error.message,
  SERVICE_UNAVAILABLE: (error) =>
    `the database cannot be reached: ${error instanceof ServiceUnavailable ? error.reason : error.message}`,
  SCHEMA_NOT_MIGRATED: () => 'the database has no tables yet: run "taskctl migrate" first',
  TASK_NOT_FOUND: (error) => error.message,
  USER_NOT_FOUND: (error) => error.message,
  USER_GONE: (error) => error.message,
  PAGE_NOT_FOUND: (error) =>
    error instanceof PageNotFound ? `there is no page ${error.page}: the list has fewer pages` : error.message,
  INVALID_CREDENTIALS: (error) => error.message,
  LOGIN_THROTTLED: (error) => error.message,
  INVALID_TOKEN: (error) => error.message,
  INVALID_SESSION: (error) => error.message,
  PERMISSION_DENIED: (error) => error.message,
  LOGIN_NOT_FOUND: (error) => error.message,
};

/** One line saying what went wrong, in the words of the layer that knows. */
function describe(error: unknown): string {
  if (error instanceof DomainError) return DOMAIN_ERROR_LINES[error.code](error);
  if (error instanceof ConfigError)
    return `invalid configuration: ${error.problems.map((problem) => `${problem.variable}: ${problem.message}`).join("; ")}`;
  if (error instanceof CommandError || error instanceof Cancelled) return error.message;
  return error instanceof Error ? (error.message.split("\n")[0] ?? error.name) : String(error);
}

function printHelpFor(io: Io, words: readonly string[]): number {
  const [first, second] = words;
  const command =
    COMMANDS.find((candidate) => candidate.name === `${first} ${second}`) ??
    COMMANDS.find((candidate) => candidate.name === first);
  if (command) io.stdout.write(commandHelp(command));
  else if (first !== undefined && groupCommands(first).length > 0)
    io.stdout.write(groupHelp(first, groupCommands(first)));
  else if (first === undefined) io.stdout.write(overview());
  else return usageError(io, "taskctl", `unknown command "${first}"`, "taskctl --help");
  return EXIT_SUCCESS;
}

function groupCommands(group: string): Command[] {
  return COMMANDS.filter((command) => command.name.startsWith(`${group} `));
}

function overview(): string {
  return [
    "taskctl: the admin command line of the tasks API (what Django's admin site and manage.py are to Django).",
    "",
    "Usage: taskctl <command> [arguments] [options]",
    "",
    "Commands:",
    ...list(COMMANDS.map((command) => [command.name, command.summary])),
    "",
    'Every command takes --help (with examples), --verbose and --json. "taskctl <command> --help" for more.',
    "Configuration: the environment and ./.env, as for the API server: DATABASE_URL for PostgreSQL, or DATA_DIR",
    "for the embedded database (default ./.data).",
    "Exit status: 0 done, 1 failed (one line on stderr), 2 wrong usage.",
    "",
  ].join("\n");
}

function groupHelp(group: string, commands: readonly Command[]): string {
  return [
    `Usage: taskctl ${group} <command> [arguments] [options]`,
    "",
    "Commands:",
    ...list(commands.map((command) => [command.name, command.summary])),
    "",
    `"taskctl ${group} <command> --help" for the arguments, options and examples of each.`,
    "",
  ].join("\n");
}

function commandHelp(command: Command): string {
  const args = (command.arguments ?? []).map((argument) =>
    argument.optional ? `[<${argument.name}>]` : `<${argument.name}>`,
  );
  const options: Record<string, OptionSpec> = { ...command.options, ...COMMON_OPTIONS };
  const lines = [`Usage: taskctl ${[command.name, ...args, "[options]"].join(" ")}`, "", command.summary];
  if (command.details) lines.push("", ...wrap(command.details, 100));
  if (args.length > 0)
    lines.push(
      "",
      "Arguments:",
      ...list((command.arguments ?? []).map((argument) => [`<${argument.name}>`, argument.description])),
    );
  lines.push(
    "",
    "Options:",
    ...list(
      Object.entries(options).map(([name, spec]) => [
        `${spec.short ? `-${spec.short}, ` : ""}--${name}${spec.type === "string" ? ` <${spec.valueName ?? "value"}>` : ""}`,
        spec.description,
      ]),
    ),
    "",
    command.examples.length === 1 ? "Example:" : "Examples:",
    ...command.examples.map((example) => `  ${example}`),
    "",
  );
  return lines.join("\n");
}

function list(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, description]) => `  ${name.padEnd(width)}  ${description}`);
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(line);
  return lines;
}
