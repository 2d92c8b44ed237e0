import { DEFAULT_OPERATOR_PAGE_SIZE, MAX_OPERATOR_PAGE_SIZE, type OperatorPage } from "@tasks/domain";
import type { Config, Environment } from "@tasks/platform";
import type { Container } from "./container.ts";
import { type Column, plural, renderTable } from "./table.ts";
import { Cancelled, type Terminal } from "./terminal.ts";
import { visible } from "./visible.ts";

/** The command line was wrong: exit status 2, with a pointer to `--help`. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The command could not do its job: exit status 1 with this one-line message (Django's CommandError). */
export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CommandError";
  }
}

export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly short?: string;
  /** Shown in the help as `--name <valueName>`. */
  readonly valueName?: string;
  readonly description: string;
}

export interface ArgumentSpec {
  readonly name: string;
  readonly description: string;
  /** Optional arguments may only follow required ones. */
  readonly optional?: boolean;
}

export interface CommandInput {
  readonly arguments: readonly string[];
  readonly options: Readonly<Record<string, string | boolean | undefined>>;
}

/** What a command may use. The database is opened on first use, so usage errors never wait for it. */
export interface CommandContext {
  readonly config: Config;
  readonly env: Environment;
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  /** `null` when stdin is not a terminal: nothing may be asked then. */
  readonly terminal: Terminal | null;
  useCases(): Promise<Container["useCases"]>;
  database(): Promise<Container["database"]>;
}

export interface Command {
  /** One or two words: `migrate`, `users create`. */
  readonly name: string;
  readonly summary: string;
  /** What the help says after the summary: behaviour worth knowing before running it. */
  readonly details?: string;
  readonly arguments?: readonly ArgumentSpec[];
  readonly options?: Readonly<Record<string, OptionSpec>>;
  readonly examples: readonly string[];
  run(context: CommandContext, input: CommandInput): Promise<void>;
}

export const JSON_OPTION: Readonly<Record<string, OptionSpec>> = {
  json: { type: "boolean", description: "print the result as JSON (shapes in the README)" },
};

/** The page options of `users list` and `tasks list`, as the contract names them. */
export const PAGE_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  limit: {
    type: "string",
    valueName: "n",
    description: `rows per page (default ${DEFAULT_OPERATOR_PAGE_SIZE}, at most ${MAX_OPERATOR_PAGE_SIZE.toLocaleString("en")})`,
  },
  page: { type: "string", valueName: "n", description: "which page (default 1)" },
};

/** `--page` and `--limit` as numbers; the use case checks their range. */
export function pageOptions(input: CommandInput): { page?: number; limit?: number } {
  const read = (name: string) => {
    const raw = stringOption(input, name);
    if (raw === undefined) return undefined;
    if (!/^\d+$/.test(raw)) throw new UsageError(`--${name} expects a whole number of at least 1, got "${raw}"`);
    return Number(raw);
  };
  return { page: read("page"), limit: read("limit") };
}

/** The line under a page of a list: the total, and where the next page is. */
export function pageSummary(list: OperatorPage<unknown>, noun: string): string {
  const pages = Math.max(1, Math.ceil(list.count / list.pageSize));
  if (pages === 1) return `(${plural(list.count, noun)})`;
  const first = (list.page - 1) * list.pageSize + 1;
  const last = first + list.results.length - 1;
  const rows = last === first ? `${first}` : `${first}-${last}`;
  const next = list.page < pages ? `; --page ${list.page + 1} for the next` : "";
  return `(${rows} of ${plural(list.count, noun)}, page ${list.page} of ${pages}${next})`;
}

/** A page of a list as `--json` prints it. */
export function pageJson<T>(list: OperatorPage<T>, toJson: (item: T) => unknown) {
  return { count: list.count, page: list.page, limit: list.pageSize, results: list.results.map(toJson) };
}

export const YES_OPTION: Readonly<Record<string, OptionSpec>> = {
  yes: { type: "boolean", short: "y", description: "do not ask for confirmation (needed without a terminal)" },
};

/** The options every command accepts, handled by the dispatcher. */
export const COMMON_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  verbose: { type: "boolean", description: "print the stack trace of a failure" },
  help: { type: "boolean", short: "h", description: "show this help" },
};

export function stringOption(input: CommandInput, name: string): string | undefined {
  const value = input.options[name];
  return typeof value === "string" ? value : undefined;
}

export function flag(input: CommandInput, name: string): boolean {
  return input.options[name] === true;
}

export function requiredOption(input: CommandInput, name: string): string {
  const value = stringOption(input, name);
  if (value === undefined) throw new UsageError(`missing option --${name}`);
  return value;
}

/**
 * How a destructive command gets its go-ahead: `--yes`, or a question on the terminal,
 * where "no" cancels the command. Without either it is a usage error, raised at once so
 * that nothing is looked up first.
 */
export function confirmation(context: CommandContext, input: CommandInput): (question: string) => Promise<void> {
  if (flag(input, "yes")) return async () => {};
  const { terminal } = context;
  if (terminal === null) throw new UsageError("no terminal to confirm on: pass --yes to go ahead");
  return async (question) => {
    if (!(await terminal.confirm(question))) throw new Cancelled();
  };
}

export function printJson(context: CommandContext, value: unknown): void {
  context.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** One line of human output; what it quotes from users is shown `visible`, as everything taskctl prints for people. */
export function printLine(context: CommandContext, text: string): void {
  context.stdout.write(`${visible(text)}\n`);
}

export function printTable<Row>(context: CommandContext, columns: readonly Column<Row>[], rows: readonly Row[]): void {
  context.stdout.write(`${renderTable(columns, rows)}\n`);
}
