import { type Command, flag, JSON_OPTION, printJson, printLine } from "../command.ts";

const migrate: Command = {
  name: "migrate",
  summary: "Apply the pending migrations, or with --status list the applied and pending ones.",
  details:
    "Run it once on a new PostgreSQL database before anything else (the API server also migrates at start " +
    "unless RUN_MIGRATIONS=false). Migrations run in one transaction: all of them apply, or none.",
  options: {
    status: { type: "boolean", description: "only list the migrations, applied ([X]) and pending ([ ])" },
    ...JSON_OPTION,
  },
  examples: ["DATABASE_URL=postgres://app@db.example.com/tasks taskctl migrate", "taskctl migrate --status --json"],
  async run(context, input) {
    const database = await context.database();
    if (flag(input, "status")) {
      const status = await database.migrationStatus();
      if (flag(input, "json")) return printJson(context, { applied: status.applied, pending: status.pending });
      for (const name of status.applied) printLine(context, ` [X] ${name}`);
      for (const name of status.pending) printLine(context, ` [ ] ${name}`);
      if (status.applied.length + status.pending.length === 0) printLine(context, "No migrations.");
      return;
    }
    const { applied } = await database.migrate();
    if (flag(input, "json")) return printJson(context, { applied });
    if (applied.length === 0) return printLine(context, "No migrations to apply.");
    printLine(context, "Running migrations:");
    for (const name of applied) printLine(context, `  Applying ${name}... OK`);
  },
};

export const MIGRATE_COMMANDS: readonly Command[] = [migrate];
