import { LogIn } from "@tasks/domain";
import { beforeAll, describe, expect, it } from "vitest";
import { FakeTaskctl } from "./support/in-process.ts";
import { expectFailure } from "./support/taskctl.ts";

const PASSWORD = "long secret words";
const USER_KEYS = ["date_joined", "email", "id", "is_active", "is_staff", "is_superuser", "last_login", "username"];

interface UserJson {
  id: string;
  username: string;
  email: string;
  is_staff: boolean;
  is_superuser: boolean;
  is_active: boolean;
  date_joined: string;
  last_login: string | null;
}

// In process, on the domain's fakes: the same commands on a real database, from the real
// binary, are in commands.test.ts.
describe("taskctl users", () => {
  let taskctl: FakeTaskctl;
  const run = (args: string[], input?: string) => taskctl.run(args, input);
  const stored = (username: string) => taskctl.ports.users.findByUsername(username);
  const verify = (hash: string | undefined, password: string) => taskctl.ports.hasher.verify(hash ?? "", password);

  beforeAll(() => {
    taskctl = new FakeTaskctl();
  });

  it("creates an active user from --password-stdin, dropping the trailing newline, and prints it as JSON", async () => {
    const result = await run(
      ["users", "create", "alice", "--email", "alice@example.com", "--password-stdin", "--json"],
      `${PASSWORD}\n`,
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const user = result.json<UserJson>();
    expect(Object.keys(user).sort()).toEqual(USER_KEYS);
    expect(user).toMatchObject({
      username: "alice",
      email: "alice@example.com",
      is_staff: false,
      is_superuser: false,
      is_active: true,
      last_login: null,
    });
    expect(user.date_joined).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const saved = await stored("alice");
    expect(saved?.id).toBe(user.id);
    expect(await verify(saved?.passwordHash, PASSWORD)).toBe(true);
  });

  it("creates staff users and superusers from TASKCTL_PASSWORD with --no-input", async () => {
    const staff = await taskctl.run(["users", "create", "bob", "--staff", "--no-input"], "", {
      TASKCTL_PASSWORD: PASSWORD,
    });
    expect(staff).toMatchObject({ code: 0, stdout: 'User "bob" created.\n', stderr: "" });
    const superuser = await taskctl.run(["users", "create", "carol", "--superuser", "--no-input", "--json"], "", {
      TASKCTL_PASSWORD: PASSWORD,
    });
    expect(superuser.json()).toMatchObject({ username: "carol", is_staff: true, is_superuser: true });
    expect(await stored("bob")).toMatchObject({ isStaff: true, isSuperuser: false, isActive: true });
  });

  it("createsuperuser makes an active staff superuser from TASKCTL_PASSWORD or stdin, without a terminal", async () => {
    const fromEnv = await taskctl.run(
      ["createsuperuser", "--no-input", "--username", "root", "--email", "root@example.com", "--json"],
      "",
      { TASKCTL_PASSWORD: PASSWORD },
    );
    expect(fromEnv.stderr).toBe("");
    const root = fromEnv.json<UserJson>();
    expect(Object.keys(root).sort()).toEqual(USER_KEYS);
    expect(root).toMatchObject({ username: "root", is_staff: true, is_superuser: true, is_active: true });
    const fromStdin = await run(["createsuperuser", "--username", "ops", "--password-stdin"], PASSWORD);
    expect(fromStdin).toMatchObject({ code: 0, stdout: "Superuser created successfully.\n", stderr: "" });
    expect(await stored("ops")).toMatchObject({ isStaff: true, isSuperuser: true });
    for (const username of ["root", "ops"]) expect((await run(["users", "delete", username, "--yes"])).code).toBe(0);
  });

  it("refuses a username that exists in another case, with exit 1 and one line, and creates nothing", async () => {
    const before = (await run(["users", "list", "--json"])).json<{ results: UserJson[] }>().results.length;
    expectFailure(
      await run(["users", "create", "ALICE", "--password-stdin"], PASSWORD),
      1,
      "taskctl users create: username: A user with that username already exists.",
    );
    expect((await run(["users", "list", "--json"])).json<{ results: UserJson[] }>().results).toHaveLength(before);
  });

  it("reports every invalid field at once, in the domain's words, and creates nothing", async () => {
    const result = await run(["users", "create", "no spaces", "--email", "not-an-email", "--password-stdin"], "12345");
    expect(result.code).toBe(1);
    expect(result.stderr.split("\n")).toEqual([
      "taskctl users create: username: Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.; " +
        "email: Enter a valid email address.; " +
        "password: This password is too short. It must contain at least 8 characters. This password is entirely numeric.",
      "",
    ]);
    expect(await stored("no spaces")).toBeNull();
  });

  it("lists users oldest first as a table with id, username, email, staff, active, joined and last login", async () => {
    const table = await run(["users", "list"]);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]?.split(/\s{2,}/)).toEqual(["ID", "USERNAME", "EMAIL", "STAFF", "ACTIVE", "JOINED", "LAST LOGIN"]);
    const alice = (await stored("alice"))?.id;
    expect(lines[1]).toMatch(
      new RegExp(`^${alice}\\s+alice\\s+alice@example\\.com\\s+no\\s+yes\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\s+-$`),
    );
    expect(lines[2]).toMatch(/\sbob\s+-\s+yes\s+yes\s/);
    expect(lines.at(-1)).toBe("(3 users)");
    const json = (await run(["users", "list", "--json"])).json<{ results: UserJson[] }>().results;
    expect(json.map((user) => user.username)).toEqual(["alice", "bob", "carol"]);
    for (const user of json) expect(Object.keys(user).sort()).toEqual(USER_KEYS);
  });

  it("sets a new password and revokes the user's tokens", async () => {
    const before = await stored("bob");
    const result = await run(["users", "set-password", "BOB", "--password-stdin", "--json"], "a brand new secret");
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({ username: "bob" });
    const after = await stored("bob");
    expect(await verify(after?.passwordHash, "a brand new secret")).toBe(true);
    expect(await verify(after?.passwordHash, PASSWORD)).toBe(false);
    expect(after?.tokenVersion).toBe((before?.tokenVersion ?? 0) + 1);
    expectFailure(
      await run(["users", "set-password", "bob", "--password-stdin"], "bob"),
      1,
      "taskctl users set-password: password: This password is too short. It must contain at least 8 characters. " +
        "The password is too similar to the username or email.",
    );
  });

  it("deactivates a user, revoking their tokens, and activates them again", async () => {
    const before = await stored("carol");
    const deactivated = await run(["users", "deactivate", "carol"]);
    expect(deactivated).toMatchObject({ code: 0, stdout: 'User "carol" deactivated.\n' });
    expect(await stored("carol")).toMatchObject({ isActive: false, tokenVersion: (before?.tokenVersion ?? 0) + 1 });
    const activated = await run(["users", "activate", "carol", "--json"]);
    expect(activated.json()).toMatchObject({ username: "carol", is_active: true });
    expect((await stored("carol"))?.isActive).toBe(true);
  });

  it("deletes a user with their tasks when --yes is given", async () => {
    const task = await run(["tasks", "create", "--user", "carol", "--title", "Water the plants"]);
    expect(task.code).toBe(0);
    const result = await run(["users", "delete", "carol", "--yes"]);
    expect(result).toMatchObject({ code: 0, stdout: 'User "carol" and their 1 task deleted.\n', stderr: "" });
    const again = await run(["users", "create", "carol", "--password-stdin"], PASSWORD);
    expect(again.code).toBe(0);
    const deleted = await run(["users", "delete", "carol", "--yes", "--json"]);
    expect(deleted.json()).toMatchObject({ username: "carol", is_active: true });
    expect(await stored("carol")).toBeNull();
    expect((await run(["tasks", "list", "--json"])).json<{ results: unknown[] }>().results).toEqual([]);
  });

  it("lists a user's live logins newest first, and revokes them all", async () => {
    await run(["users", "create", "dave", "--password-stdin"], PASSWORD);
    const dave = await stored("dave");
    const { ports } = taskctl;
    const logIn = (kind: "token" | "cookie", address: string) =>
      new LogIn(ports).execute({
        username: "dave",
        password: PASSWORD,
        kind,
        client: { address, userAgent: "curl/8" },
      });
    const first = await logIn("token", "192.0.2.10");
    ports.clock.advance(60_000);
    const second = await logIn("cookie", "192.0.2.11");

    const listed = await run(["users", "sessions", "DAVE", "--json"]);
    expect(listed.json()).toEqual([
      expect.objectContaining({
        id: second.session.id,
        kind: "cookie",
        ip_address: "192.0.2.11",
        user_agent: "curl/8",
      }),
      expect.objectContaining({ id: first.session.id, kind: "token", ip_address: "192.0.2.10" }),
    ]);
    const table = await run(["users", "sessions", "dave"]);
    expect(table.stdout.split("\n")[0]).toMatch(/^ID +KIND +STARTED +LAST USED +EXPIRES +ADDRESS +USER AGENT$/);
    expect(table.stdout.trimEnd().split("\n").at(-1)).toBe('(2 logins of "dave")');

    const revoked = await run(["users", "revoke-sessions", "dave"]);
    expect(revoked).toMatchObject({ code: 0, stdout: 'Revoked 2 logins of "dave".\n', stderr: "" });
    expect((await run(["users", "sessions", "dave", "--json"])).json()).toEqual([]);
    expect((await ports.sessions.findById(first.session.id))?.revocationReason).toBe("admin");
    expect((await run(["users", "revoke-sessions", "dave", "--json"])).json()).toEqual({
      username: "dave",
      revoked: 0,
    });
    expect(dave?.isActive).toBe(true);
  });

  it("ends every login of a user whose password is set or who is deactivated", async () => {
    await run(["users", "create", "erin", "--password-stdin"], PASSWORD);
    const { ports } = taskctl;
    const login = await new LogIn(ports).execute({
      username: "erin",
      password: PASSWORD,
      kind: "token",
      client: { address: "192.0.2.12", userAgent: null },
    });
    await run(["users", "set-password", "erin", "--password-stdin"], "another long pass phrase");
    expect((await ports.sessions.findById(login.session.id))?.revocationReason).toBe("password_change");
    expect((await run(["users", "sessions", "erin", "--json"])).json()).toEqual([]);
  });

  it("names an unknown user in one line with exit 1, for every command that takes one", async () => {
    for (const args of [
      ["users", "set-password", "ghost", "--password-stdin"],
      ["users", "deactivate", "ghost"],
      ["users", "activate", "ghost"],
      ["users", "delete", "ghost", "--yes"],
      ["users", "sessions", "ghost"],
      ["users", "revoke-sessions", "ghost"],
    ])
      expectFailure(await run(args, PASSWORD), 1, `taskctl ${args[0]} ${args[1]}: No user named "ghost".`);
  });
});
