import { type GetUser, User, UserNotFound, UsernameTaken, ValidationError } from "@tasks/domain";
import { type CommandContext, type CommandInput, UsageError } from "./command.ts";
import { askNewPassword, passwordOrTerminal } from "./passwords.ts";
import type { Terminal } from "./terminal.ts";

export interface NewUser {
  readonly username: string | undefined;
  readonly email: string | undefined;
  readonly isStaff: boolean;
  readonly isSuperuser: boolean;
  /** Offered as the answer to a blank username prompt, if it is free (Django offers the login name). */
  readonly suggestedUsername?: string;
  /** The usage error for a missing username when nothing may be asked. */
  readonly missingUsername: string;
}

/**
 * Creates a user the way Django's createsuperuser does: with a password given on stdin or
 * in TASKCTL_PASSWORD it goes straight to the use case, which reports every problem at
 * once; on a terminal it asks for what is missing, checking each answer with the domain's
 * own rules and asking again until it is right.
 */
export async function createNewUser(context: CommandContext, input: CommandInput, request: NewUser): Promise<User> {
  const password = await passwordOrTerminal(context, input);
  if (typeof password === "string") {
    if (request.username === undefined) throw new UsageError(request.missingUsername);
    const { createUser } = await context.useCases();
    return createUser.execute({ ...roles(request), username: request.username, email: request.email, password });
  }
  const terminal = password;
  const { createUser, getUser } = await context.useCases();
  const username = await askUsername(terminal, getUser, request);
  const email = await askEmail(terminal, username, request.email);
  const chosen = await askNewPassword(terminal, { username, email });
  return createUser.execute({ ...roles(request), username, email, password: chosen });
}

function roles(request: NewUser): { isStaff: boolean; isSuperuser: boolean } {
  return { isStaff: request.isStaff, isSuperuser: request.isSuperuser };
}

async function askUsername(terminal: Terminal, getUser: GetUser, request: NewUser): Promise<string> {
  const suggestion =
    request.suggestedUsername !== undefined && (await usernameProblem(getUser, request.suggestedUsername)) === null
      ? request.suggestedUsername
      : undefined;
  let candidate = request.username;
  for (;;) {
    if (candidate === undefined) {
      const answer = (
        await terminal.ask(suggestion ? `Username (leave blank to use '${suggestion}'): ` : "Username: ")
      ).trim();
      candidate = answer === "" && suggestion ? suggestion : answer;
    }
    const problem = await usernameProblem(getUser, candidate);
    if (problem === null) return User.validate({ username: candidate }).username;
    terminal.say(`Error: ${problem}`);
    candidate = undefined;
  }
}

async function askEmail(terminal: Terminal, username: string, given: string | undefined): Promise<string> {
  let candidate = given;
  for (;;) {
    candidate ??= await terminal.ask("Email address: ");
    const problem = fieldProblem("email", () => User.validate({ username, email: candidate }));
    if (problem === null) return candidate.trim();
    terminal.say(`Error: ${problem}`);
    candidate = undefined;
  }
}

/** What is wrong with this username, in the domain's words, or `null` when it is valid and free. */
async function usernameProblem(getUser: GetUser, username: string): Promise<string | null> {
  const invalid = fieldProblem("username", () => User.validate({ username }));
  if (invalid !== null) return invalid;
  try {
    await getUser.execute({ username });
  } catch (error) {
    if (error instanceof UserNotFound) return null;
    throw error;
  }
  return new UsernameTaken(username).errors.username?.join(" ") ?? null;
}

function fieldProblem(field: string, check: () => unknown): string | null {
  try {
    check();
    return null;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return error.errors[field]?.join(" ") ?? null;
  }
}
