import { beforeAll, describe, expect, it } from "vitest";
import { visible } from "../src/visible.ts";
import { EMAIL, expectNoControls, SHOWN_EMAIL, SHOWN_TITLE, TITLE } from "./support/escapes.ts";
import { FakeTaskctl } from "./support/in-process.ts";
import { expectFailure } from "./support/taskctl.ts";

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

// In process, on the domain's fakes; the question on a terminal is in prompts.test.ts.
describe("taskctl shows control characters from users escaped", () => {
  let taskctl: FakeTaskctl;
  let id: string;
  const run = (args: string[], input?: string) => taskctl.run(args, input);

  beforeAll(async () => {
    taskctl = new FakeTaskctl();
    const created = await run(
      ["users", "create", "mallory", "--email", EMAIL, "--password-stdin"],
      "long secret words",
    );
    expect(created.code, created.stderr).toBe(0);
    const task = await run(["tasks", "create", "--user", "mallory", "--title", "plain", "--json"]);
    id = task.json<{ id: string }>().id;
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
    expect((await run(["tasks", "list", "--json"])).json<{ results: { title: string }[] }>().results[0]?.title).toBe(
      TITLE,
    );
  });

  it("users list shows the email escaped, and --json keeps it exact", async () => {
    const table = await run(["users", "list"]);
    expect(table.code).toBe(0);
    expectNoControls(table.stdout);
    const [header = "", row = ""] = table.stdout.split("\n");
    expect(row).toContain(`  mallory   ${SHOWN_EMAIL}  no  `);
    expect(row.indexOf(" no ") + 1).toBe(header.indexOf("STAFF"));
    const [user] = (await run(["users", "list", "--json"])).json<{ results: { email: string }[] }>().results;
    expect(user?.email).toBe(EMAIL);
  });

  it("one-line errors show what the operator typed escaped", async () => {
    expectFailure(
      await run(["tasks", "update", "\u001b[31mnope", "--status", "done"]),
      1,
      'taskctl tasks update: No task with id "\\x1b[31mnope".',
    );
  });
});
