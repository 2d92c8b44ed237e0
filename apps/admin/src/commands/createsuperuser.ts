import { userInfo } from "node:os";
import { type Command, flag, JSON_OPTION, printJson, printLine, stringOption } from "../command.ts";
import { createNewUser } from "../new-user.ts";
import { PASSWORD_OPTIONS } from "../passwords.ts";
import { userJson } from "../views.ts";

const createsuperuser: Command = {
  name: "createsuperuser",
  summary: "Create a superuser (staff, active), as Django's createsuperuser does.",
  details:
    "On a terminal, asks for the username (offering your login name), the email address and the password, " +
    "twice and hidden, repeating a question until the answer is valid. Without a terminal, pass --username " +
    "and the password through --password-stdin, or through TASKCTL_PASSWORD with --no-input.",
  options: {
    username: { type: "string", valueName: "username", description: "the superuser's username" },
    email: { type: "string", valueName: "email", description: "the superuser's email address" },
    ...PASSWORD_OPTIONS,
    ...JSON_OPTION,
  },
  examples: [
    "taskctl createsuperuser",
    "TASKCTL_PASSWORD='long secret words' taskctl createsuperuser --no-input --username admin --email admin@example.com",
  ],
  async run(context, input) {
    const user = await createNewUser(context, input, {
      username: stringOption(input, "username"),
      email: stringOption(input, "email"),
      isStaff: true,
      isSuperuser: true,
      suggestedUsername: loginName(),
      missingUsername: "--username is required with --no-input or --password-stdin",
    });
    if (flag(input, "json")) printJson(context, userJson(user));
    else printLine(context, "Superuser created successfully.");
  },
};

/** The operating system's name for the person at the terminal, if it has one. */
function loginName(): string | undefined {
  try {
    return userInfo().username.toLowerCase();
  } catch {
    return undefined;
  }
}

export const CREATESUPERUSER_COMMANDS: readonly Command[] = [createsuperuser];
