import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { visible } from "../src/visible.ts";
import { bulkEngine, openTaskctlDatabase, type TaskctlDatabase } from "./support/databases.ts";
import { PtySession } from "./support/pty.ts";
import { expectFailure, taskctl } from "./support/taskctl.ts";

// Turns the text red, then shows what follows it on the line reversed.
const TITLE = "\u001b[31mPay\u001b[0m \u202elive";
const SHOWN_TITLE = "\\x1b[31mPay\\x1b[0m \\u202elive";
const EMAIL = "mallory\u001b[8m\u2066@example.com";
const SHOWN_EMAIL = "mallory\\x1b[8m\\u2066@example.com";

/** None of the characters of TITLE and EMAIL that a terminal would act on instead of showing. */
function expectNoControls(text: string): void {
  for (const character of ["\u001b", "\u202e", "\u2066"]) expect(text).not.toContain(character);
}

describe("visible", () => {
  it("escapes C0 controls, DEL, C1 controls and the bidirectional overrides and isolates", () => {
    expect(visible("\u0000\u0007\u001b\u001f\u007f\u0080\u009b\u009f")).toBe(
      "\\x00\\x07\\x1b\\x1f\\x7f\\x80\\x9b\\x9f",
    );
    expect(visible("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")).toBe(
      "\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069",
    );
    expect(visible("a\tb\nc\rd")).toBe("a\\tb\\nc\\rd");
  });

  it("leaves every other character as it is", () => {
    const text = "Renew the passport: café, 東京, שלום, 🔑, ¡ñ! \\x1b <b>";
    expect(visible(text)).toBe(text);
  });
});

const engine = await bulkEngine();

describe(`taskctl shows control characters from users escaped (${engine})`, () => {
  let db: TaskctlDatabase;
  let id: string;
  const run = (args: string[], input?: string) => taskctl(db.env, args, input);

  beforeAll(async () => {
    db = await openTaskctlDatabase(engine);
    const created = await run(
      ["users", "create", "mallory", "--email", EMAIL, "--password-stdin"],
      "long secret words",
    );
    expect(created.code, created.stderr).toBe(0);
    const task = await run(["tasks", "create", "--user", "mallory", "--title", "plain", "--json"]);
    id = task.json<{ id: string }>().id;
  });
  afterAll(async () => {
    await db?.close();
  });

  it("tasks update names the new title escaped, and --json keeps it exact", async () => {
    const plain = await run(["tasks", "update", id, "--title", TITLE]);
    expect(plain).toMatchObject({ code: 0, stdout: `Task ${id} updated: "${SHOWN_TITLE}".\n`, stderr: "" });
    const json = await run(["tasks", "update", id, "--title", TITLE, "--json"]);
    expect(json.json<{ title: string }>().title).toBe(TITLE);
  });

  it("tasks list shows the title escaped in an aligned table, and --json keeps it exact", async () => {
    const table = await run(["tasks", "list"]);
    expect(table.code).toBe(0);
    expectNoControls(table.stdout);
    const [header = "", row = ""] = table.stdout.split("\n");
    expect(row.startsWith(`${id}  ${SHOWN_TITLE}  mallory  todo  `)).toBe(true);
    expect(row.indexOf("mallory")).toBe(header.indexOf("OWNER"));
    expect((await run(["tasks", "list", "--json"])).json<{ title: string }[]>()[0]?.title).toBe(TITLE);
  });

  it("users list shows the email escaped, and --json keeps it exact", async () => {
    const table = await run(["users", "list"]);
    expect(table.code).toBe(0);
    expectNoControls(table.stdout);
    const [header = "", row = ""] = table.stdout.split("\n");
    expect(row).toContain(`  mallory   ${SHOWN_EMAIL}  no  `);
    expect(row.indexOf(" no ") + 1).toBe(header.indexOf("STAFF"));
    const [user] = (await run(["users", "list", "--json"])).json<{ email: string }[]>();
    expect(user?.email).toBe(EMAIL);
  });

  it("one-line errors show what the operator typed escaped", async () => {
    expectFailure(
      await run(["tasks", "update", "\u001b[31mnope", "--status", "done"]),
      1,
      'taskctl tasks update: No task with id "\\x1b[31mnope".',
    );
  });

  it("tasks delete asks with the title escaped on the terminal", async () => {
    const pty = new PtySession(db.env, ["tasks", "delete", id]);
    await pty.answer(`Delete task "${SHOWN_TITLE}" of "mallory"? [y/N]: `, "n");
    await pty.waitFor("Operation cancelled.\n");
    expect(await pty.exit()).toBe(1);
    expectNoControls(pty.transcript);
    expect((await run(["tasks", "list", "--json"])).json()).toHaveLength(1);
  });
});
