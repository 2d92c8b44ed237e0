import { describe, expect, it } from "vitest";
import { OBJECT_REPR_MAX_LENGTH } from "../../../src/index.ts";
import { fakePorts, START, text } from "../../../src/testing/index.ts";
import { changedFieldsMessage, changedLabels, recordHistory } from "../../../src/use-cases/admin/history.ts";

const SAM = { userId: "sam-id", username: "sam", isSuperuser: false };

describe("recordHistory", () => {
  it("writes who acted, when, on which object, what and why", async () => {
    const ports = fakePorts();

    await recordHistory(
      ports,
      SAM,
      { type: "task", id: "task-id", repr: "Write the report" },
      "change",
      "Changed Title.",
    );

    expect(await ports.history.listForObject("task", "task-id")).toEqual([
      {
        id: ports.ids.issued[0],
        actionTime: START,
        userId: "sam-id",
        username: "sam",
        objectType: "task",
        objectId: "task-id",
        objectRepr: "Write the report",
        action: "change",
        changeMessage: "Changed Title.",
      },
    ]);
  });

  it("cuts the object's name to 200 code points, never inside a character", async () => {
    const ports = fakePorts();
    const astral = "\u{1F600}";

    await recordHistory(
      ports,
      SAM,
      { type: "user", id: "a", repr: text(OBJECT_REPR_MAX_LENGTH + 1) },
      "addition",
      "Added.",
    );
    await recordHistory(ports, SAM, { type: "user", id: "b", repr: text(201, astral) }, "addition", "Added.");
    await recordHistory(ports, SAM, { type: "user", id: "c", repr: text(200, astral) }, "addition", "Added.");

    const [a] = await ports.history.listForObject("user", "a");
    const [b] = await ports.history.listForObject("user", "b");
    const [c] = await ports.history.listForObject("user", "c");
    expect(a?.objectRepr).toBe(text(200));
    expect(b?.objectRepr).toBe(text(200, astral));
    expect(c?.objectRepr).toBe(text(200, astral));
  });
});

describe("changedFieldsMessage", () => {
  it.each([
    [[], "No fields changed."],
    [["Title"], "Changed Title."],
    [["Title", "Status"], "Changed Title and Status."],
    [["Title", "Description", "Status"], "Changed Title, Description and Status."],
  ])("says %j as %s", (labels, message) => {
    expect(changedFieldsMessage(labels)).toBe(message);
  });
});

describe("changedLabels", () => {
  const before = { title: "a", status: "todo", owner: "x" };

  it("names the fields given with a new value, in the order of the labels", () => {
    expect(
      changedLabels(
        before,
        { owner: "y", title: "b", status: "todo" },
        { title: "Title", status: "Status", owner: "Owner" },
      ),
    ).toEqual(["Title", "Owner"]);
  });

  it("leaves out a field not given and a field without a label", () => {
    expect(changedLabels(before, { status: "done", owner: "y" }, { title: "Title", status: "Status" })).toEqual([
      "Status",
    ]);
    expect(changedLabels(before, { status: "done" }, { status: undefined })).toEqual([]);
  });
});
