import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { COMMANDS } from "../src/cli.ts";
import { openContainer } from "../src/container.ts";
import { FakeTaskctl, runInProcess } from "./support/in-process.ts";
import { type Env, expectFailure } from "./support/taskctl.ts";

// Nothing listens on port 1: a connection is refused at once.
const REFUSED = { DATABASE_URL: "postgres://postgres@127.0.0.1:1/tasks" };

describe("taskctl before it needs the database", () => {
  let taskctl: FakeTaskctl;
  beforeEach(() => {
    taskctl = new FakeTaskctl();
  });

  it("prints the help of every command, with an example, and exits 0", async () => {
    for (const command of COMMANDS) {
      const result = await taskctl.run([...command.name.split(" "), "--help"]);
      expect({ command: command.name, code: result.code, stderr: result.stderr }).toEqual({
        command: command.name,
        code: 0,
        stderr: "",
      });
      expect(result.stdout).toContain(`Usage: taskctl ${command.name}`);
      expect(result.stdout).toMatch(/\nExamples?:\n {2}.*taskctl /);
      expect(result.stdout).toContain("-h, --help");
    }
    expect(taskctl.opened).toBe(0);
  });

  it("lists every command in the overview and every subcommand in a group's help", async () => {
    const overview = await taskctl.run(["--help"]);
    expect(overview.code).toBe(0);
    for (const command of COMMANDS) expect(overview.stdout).toContain(`  ${command.name}  `);
    const users = await taskctl.run(["users", "--help"]);
    expect(users.code).toBe(0);
    expect(users.stdout).toContain("Usage: taskctl users <command>");
    expect(users.stdout).toContain("users set-password");
    expect(users.stdout).not.toContain("tasks list");
  });

  it("answers a bare taskctl or a bare group with its help on stderr and exit 2", async () => {
    const bare = await taskctl.run([]);
    expect(bare).toMatchObject({ code: 2, stdout: "" });
    expect(bare.stderr).toContain("Usage: taskctl <command>");
    const group = await taskctl.run(["tasks"]);
    expect(group).toMatchObject({ code: 2, stdout: "" });
    expect(group.stderr).toContain("Usage: taskctl tasks <command>");
  });

  it("reports usage errors in one line with exit 2, before touching the database", async () => {
    const cases: [string[], string][] = [
      [["frobnicate"], 'taskctl: unknown command "frobnicate" (see "taskctl --help")'],
      [["users", "rename"], 'taskctl users: unknown command "rename" (see "taskctl users --help")'],
      [
        ["users", "list", "--colour"],
        `taskctl users list: Unknown option '--colour' (see "taskctl users list --help")`,
      ],
      [
        ["tasks", "list", "--user"],
        `taskctl tasks list: Option '--user <value>' argument missing (see "taskctl tasks list --help")`,
      ],
      [
        ["users", "deactivate"],
        'taskctl users deactivate: missing argument <username> (see "taskctl users deactivate --help")',
      ],
      [
        ["users", "activate", "a", "b"],
        'taskctl users activate: unexpected argument "b" (see "taskctl users activate --help")',
      ],
      [
        ["tasks", "create", "--user", "alice"],
        'taskctl tasks create: missing option --title (see "taskctl tasks create --help")',
      ],
      [
        ["tasks", "update", "some-id"],
        'taskctl tasks update: nothing to change: give --title, --description or --status (see "taskctl tasks update --help")',
      ],
      [
        ["seed", "--users", "many"],
        'taskctl seed: --users expects a whole number from 1 to 100, got "many" (see "taskctl seed --help")',
      ],
    ];
    for (const [args, line] of cases) expectFailure(await taskctl.run(args), 2, line);
    expect(taskctl.opened).toBe(0);
  });

  it("never waits for a terminal that is not there: no password source or no --yes is a usage error", async () => {
    const cases: [string[], string][] = [
      [
        ["users", "create", "alice"],
        'taskctl users create: no terminal to ask for the password on: pass --password-stdin, or --no-input with TASKCTL_PASSWORD set (see "taskctl users create --help")',
      ],
      [
        ["createsuperuser"],
        'taskctl createsuperuser: no terminal to ask for the password on: pass --password-stdin, or --no-input with TASKCTL_PASSWORD set (see "taskctl createsuperuser --help")',
      ],
      [
        ["createsuperuser", "--no-input", "--username", "admin"],
        'taskctl createsuperuser: --no-input needs the password in TASKCTL_PASSWORD or from --password-stdin (see "taskctl createsuperuser --help")',
      ],
      [
        ["users", "set-password", "alice"],
        'taskctl users set-password: no terminal to ask for the password on: pass --password-stdin, or --no-input with TASKCTL_PASSWORD set (see "taskctl users set-password --help")',
      ],
      [
        ["users", "delete", "alice"],
        'taskctl users delete: no terminal to confirm on: pass --yes to go ahead (see "taskctl users delete --help")',
      ],
      [
        ["tasks", "delete", "some-id"],
        'taskctl tasks delete: no terminal to confirm on: pass --yes to go ahead (see "taskctl tasks delete --help")',
      ],
    ];
    for (const [args, line] of cases) expectFailure(await taskctl.run(args), 2, line);
    expectFailure(
      await taskctl.run(["createsuperuser", "--no-input"], "", { TASKCTL_PASSWORD: "long secret words" }),
      2,
      'taskctl createsuperuser: --username is required with --no-input or --password-stdin (see "taskctl createsuperuser --help")',
    );
    expect(taskctl.opened).toBe(0);
  });

  it("stops at an invalid configuration, naming each bad variable in one line, with exit 1", async () => {
    expectFailure(
      await taskctl.run(["users", "list"], "", { DATABASE_URL: "mysql://db/tasks", DATABASE_POOL_SIZE: "none" }),
      1,
      'taskctl users list: invalid configuration: DATABASE_URL: expected a postgres:// or postgresql:// URL; DATABASE_POOL_SIZE: expected a whole number greater than 0, got "none"',
    );
    expect(taskctl.opened).toBe(0);
  });

  it("closes the database it opened, after a failure too", async () => {
    expect((await taskctl.run(["users", "list"])).code).toBe(0);
    expect((await taskctl.run(["users", "deactivate", "ghost"])).code).toBe(1);
    expect({ opened: taskctl.opened, closed: taskctl.closed }).toEqual({ opened: 2, closed: 2 });
  });
});

describe("taskctl migrate", () => {
  const MIGRATIONS = ["Migration20261124095559_initial", "Migration20261126120000_sessions"];
  let taskctl: FakeTaskctl;
  beforeEach(() => {
    taskctl = new FakeTaskctl();
    taskctl.migrations.pending.push(...MIGRATIONS);
  });

  it("lists the applied [X] and pending [ ] migrations with --status, as JSON with --json", async () => {
    taskctl.migrations.applied.push(...(taskctl.migrations.pending.splice(0, 1) as string[]));
    expect((await taskctl.run(["migrate", "--status"])).stdout).toBe(` [X] ${MIGRATIONS[0]}\n [ ] ${MIGRATIONS[1]}\n`);
    expect((await taskctl.run(["migrate", "--status", "--json"])).json()).toEqual({
      applied: [MIGRATIONS[0]],
      pending: [MIGRATIONS[1]],
    });
    expect((await new FakeTaskctl().run(["migrate", "--status"])).stdout).toBe("No migrations.\n");
  });

  it("names each migration it applies, and says when there is none to apply", async () => {
    const applied = await taskctl.run(["migrate"]);
    expect(applied).toMatchObject({ code: 0, stderr: "" });
    expect(applied.stdout).toBe(
      `Running migrations:\n${MIGRATIONS.map((name) => `  Applying ${name}... OK\n`).join("")}`,
    );
    expect((await taskctl.run(["migrate"])).stdout).toBe("No migrations to apply.\n");
    expect((await taskctl.run(["migrate", "--json"])).json()).toEqual({ applied: [] });
  });
});

// The real composition root, in this process: what persistence makes of a database that
// does not answer, and how taskctl words it.
describe("taskctl without a database to reach", () => {
  const run = (env: Env, args: string[]) => runInProcess(openContainer, env, args);

  it("reports a database that refuses connections in one line with exit 1, and the stack only with --verbose", async () => {
    expectFailure(
      await run(REFUSED, ["users", "list"]),
      1,
      "taskctl users list: the database cannot be reached: connect ECONNREFUSED 127.0.0.1:1",
    );
    expectFailure(
      await run(REFUSED, ["migrate", "--status"]),
      1,
      "taskctl migrate: the database cannot be reached: connect ECONNREFUSED 127.0.0.1:1",
    );
    const verbose = await run(REFUSED, ["users", "list", "--verbose"]);
    expect(verbose.code).toBe(1);
    const [line, ...stack] = verbose.stderr.trimEnd().split("\n");
    expect(line).toBe("taskctl users list: the database cannot be reached: connect ECONNREFUSED 127.0.0.1:1");
    expect(stack[0]).toMatch(/^ServiceUnavailable: /);
    expect(stack.some((frame) => frame.trimStart().startsWith("at "))).toBe(true);
  });

  describe("against a server that accepts connections and never answers", () => {
    let silent: Server;
    let port: number;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      silent = createServer((socket) => sockets.add(socket));
      await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
      port = (silent.address() as { port: number }).port;
    });
    afterAll(() => {
      for (const socket of sockets) socket.destroy();
      silent.close();
    });

    it("gives up after DATABASE_CONNECT_TIMEOUT with one line and exit 1", async () => {
      const env = { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/tasks`, DATABASE_CONNECT_TIMEOUT: "1s" };
      expectFailure(
        await run(env, ["users", "list"]),
        1,
        "taskctl users list: the database cannot be reached: Connection terminated due to connection timeout",
      );
    });
  });
});
