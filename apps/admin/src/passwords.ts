import { assertAcceptablePassword, ValidationError } from "@tasks/domain";
import { type CommandContext, type CommandInput, flag, type OptionSpec, UsageError } from "./command.ts";
import type { Terminal } from "./terminal.ts";

/** The variable `--no-input` takes the password from, as Django's DJANGO_SUPERUSER_PASSWORD. */
export const PASSWORD_VARIABLE = "TASKCTL_PASSWORD";

export const PASSWORD_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  "password-stdin": {
    type: "boolean",
    description: "read the password from stdin (up to the end of input; one trailing newline is dropped)",
  },
  "no-input": {
    type: "boolean",
    description: `ask nothing: the password comes from ${PASSWORD_VARIABLE} or --password-stdin`,
  },
};

/**
 * The password given without a prompt, or the terminal to ask it on. Never waits for a
 * terminal that is not there: a usage error instead.
 */
export async function passwordOrTerminal(context: CommandContext, input: CommandInput): Promise<string | Terminal> {
  if (flag(input, "password-stdin")) return readAll(context.stdin);
  if (flag(input, "no-input")) {
    const password = context.env[PASSWORD_VARIABLE];
    if (password === undefined || password === "")
      throw new UsageError(`--no-input needs the password in ${PASSWORD_VARIABLE} or from --password-stdin`);
    return password;
  }
  if (context.terminal === null)
    throw new UsageError(
      `no terminal to ask for the password on: pass --password-stdin, or --no-input with ${PASSWORD_VARIABLE} set`,
    );
  return context.terminal;
}

/** Asks twice, hidden, until both match and the domain's password rules accept it. */
export async function askNewPassword(terminal: Terminal, user: { username: string; email?: string }): Promise<string> {
  for (;;) {
    const password = await terminal.askHidden("Password: ");
    const again = await terminal.askHidden("Password (again): ");
    if (password !== again) {
      terminal.say("Error: Your passwords didn't match.");
      continue;
    }
    try {
      assertAcceptablePassword(password, user);
      return password;
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      for (const message of Object.values(error.errors).flat()) terminal.say(`Error: ${message}`);
    }
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}
