import { describe, expect, it } from "vitest";
import { DESCRIPTION_MAX_LENGTH, Task, type TaskChanges, TITLE_MAX_LENGTH, ValidationError } from "../../src/index.ts";
import { aTask, minutes, START, text } from "../../src/testing/index.ts";

const LATER = new Date(START.getTime() + minutes(5));

function create(fields: { title?: string; description?: string; status?: string }): Task {
  return Task.create({ id: "task-1", ownerId: "owner-1", now: START, ...fields });
}

function fieldErrors(action: () => unknown): Record<string, readonly string[]> {
  try {
    action();
  } catch (error) {
    if (error instanceof ValidationError) return { ...error.errors };
    throw error;
  }
  throw new Error("expected a ValidationError");
}

describe("Task.create", () => {
  it("defaults the description to empty and the status to todo", () => {
    const task = create({ title: "Buy milk" });

    expect(task).toMatchObject({
      id: "task-1",
      ownerId: "owner-1",
      title: "Buy milk",
      description: "",
      status: "todo",
    });
    expect(task.createdAt).toEqual(START);
    expect(task.updatedAt).toEqual(START);
  });

  it("keeps a given description and status", () => {
    expect(create({ title: "Buy milk", description: "  two litres  ", status: "doing" })).toMatchObject({
      description: "  two litres  ",
      status: "doing",
    });
  });

  it("trims white space around the title, including non-breaking spaces and newlines", () => {
    expect(create({ title: " \u00a0\n\tBuy milk \t" }).title).toBe("Buy milk");
  });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["only white space", " \t\n\u00a0"],
  ])("refuses a title that is %s", (_case, title) => {
    expect(fieldErrors(() => create({ title }))).toEqual({ title: ["This field may not be blank."] });
  });

  it("accepts a title of exactly 200 code points, even astral ones counting one each", () => {
    expect(create({ title: text(TITLE_MAX_LENGTH) }).title).toHaveLength(200);
    // 200 emoji are 400 UTF-16 code units but 200 characters.
    expect([...create({ title: text(TITLE_MAX_LENGTH, "😀") }).title]).toHaveLength(200);
  });

  it("refuses a title of 201 code points", () => {
    expect(fieldErrors(() => create({ title: text(TITLE_MAX_LENGTH + 1, "😀") }))).toEqual({
      title: ["Ensure this field has no more than 200 characters."],
    });
  });

  it("measures the title after trimming it", () => {
    expect(create({ title: `  ${text(TITLE_MAX_LENGTH)}  ` }).title).toBe(text(TITLE_MAX_LENGTH));
  });

  it("accepts a description of exactly 10,000 code points and refuses 10,001", () => {
    expect([...create({ title: "t", description: text(DESCRIPTION_MAX_LENGTH, "😀") }).description]).toHaveLength(
      10_000,
    );
    expect(fieldErrors(() => create({ title: "t", description: text(DESCRIPTION_MAX_LENGTH + 1) }))).toEqual({
      description: ["Ensure this field has no more than 10000 characters."],
    });
  });

  it("refuses an unknown status, naming the choices", () => {
    expect(fieldErrors(() => create({ title: "t", status: "DONE" }))).toEqual({
      status: ['"DONE" is not a valid choice. Choose among: todo, doing, done.'],
    });
  });

  it("reports every invalid field at once", () => {
    const error = (() => {
      try {
        create({ title: "", description: text(DESCRIPTION_MAX_LENGTH + 1), status: "later" });
      } catch (caught) {
        return caught;
      }
    })();

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors).toEqual({
      title: ["This field may not be blank."],
      description: ["Ensure this field has no more than 10000 characters."],
      status: ['"later" is not a valid choice. Choose among: todo, doing, done.'],
    });
    expect((error as ValidationError).message).toBe("Invalid fields: title, description, status.");
  });
});

/** What UpdateTask and ReplaceTask make of a stored task: its fields checked, then written at LATER. */
const patch = (task: Task, changes: TaskChanges) => task.withFields(Task.checkUpdate(changes), LATER);
const put = (task: Task, changes: TaskChanges) => task.withFields(Task.checkReplacement(changes), LATER);

describe("Task.checkUpdate (PATCH)", () => {
  const task = aTask({ title: "Old", description: "old text", status: "doing" });

  it("changes only the given fields and moves updatedAt", () => {
    const updated = patch(task, { title: "  New  " });

    expect(updated).toMatchObject({ id: task.id, ownerId: task.ownerId, title: "New", description: "old text" });
    expect(updated.status).toBe("doing");
    expect(updated.updatedAt).toEqual(LATER);
  });

  it("never moves createdAt", () => {
    expect(patch(task, { status: "done" }).createdAt).toEqual(task.createdAt);
  });

  it("can clear the description with an empty string", () => {
    expect(patch(task, { description: "" }).description).toBe("");
  });

  it("lets any status follow any other", () => {
    expect(patch(aTask({ status: "done" }), { status: "todo" }).status).toBe("todo");
  });

  it("validates the changed fields like create and leaves the task untouched", () => {
    expect(fieldErrors(() => patch(task, { title: "   ", status: "archived" }))).toEqual({
      title: ["This field may not be blank."],
      status: ['"archived" is not a valid choice. Choose among: todo, doing, done.'],
    });
    expect(task.title).toBe("Old");
  });

  it("with no changes still counts as a write and moves updatedAt", () => {
    const updated = patch(task, {});

    expect(updated).toMatchObject({ title: "Old", description: "old text", status: "doing" });
    expect(updated.updatedAt).toEqual(LATER);
  });
});

describe("Task.checkReplacement (PUT)", () => {
  const task = aTask({ title: "Old", description: "old text", status: "done" });

  it("returns omitted fields to their defaults", () => {
    const replaced = put(task, { title: "New" });

    expect(replaced).toMatchObject({
      id: task.id,
      ownerId: task.ownerId,
      title: "New",
      description: "",
      status: "todo",
    });
    expect(replaced.createdAt).toEqual(task.createdAt);
    expect(replaced.updatedAt).toEqual(LATER);
  });

  it("sets every given field", () => {
    expect(put(task, { title: "New", description: "new text", status: "doing" })).toMatchObject({
      title: "New",
      description: "new text",
      status: "doing",
    });
  });

  it("requires the title, since it has no default", () => {
    expect(fieldErrors(() => put(task, { description: "only this" }))).toEqual({
      title: ["This field may not be blank."],
    });
  });
});

describe("Task.rehydrate", () => {
  it("rebuilds a stored task as it was, without validating again", () => {
    const props = {
      id: "t",
      ownerId: "o",
      title: "  stored with spaces  ",
      description: "d",
      status: "done" as const,
      createdAt: START,
      updatedAt: LATER,
    };

    expect({ ...Task.rehydrate(props) }).toEqual(props);
  });
});

describe("text a task cannot store", () => {
  it("refuses a NUL or a lone surrogate in the title or the description, and keeps a paired one", () => {
    expect(fieldErrors(() => create({ title: "a\u0000b", description: "\ud83d" }))).toEqual({
      title: ["Null characters are not allowed."],
      description: ["Enter valid Unicode text: this contains a lone surrogate."],
    });
    expect(fieldErrors(() => patch(create({ title: "ok" }), { description: "\u0000" }))).toEqual({
      description: ["Null characters are not allowed."],
    });
    expect(fieldErrors(() => put(create({ title: "ok" }), { title: "\udc00\ud800" }))).toEqual({
      title: ["Enter valid Unicode text: this contains a lone surrogate."],
    });
    expect(create({ title: "\ud83d\ude00", description: "\u{1d11e}" }).title).toBe("\u{1f600}");
  });
});
