import { describe, expect, it } from "vitest";
import {
  DEFAULT_TASK_STATUS,
  invalidStatusMessage,
  isTaskStatus,
  TASK_STATUSES,
  taskStatusRank,
} from "../../src/index.ts";

describe("the status table", () => {
  it("has exactly todo, doing and done, in workflow order", () => {
    expect(TASK_STATUSES).toEqual(["todo", "doing", "done"]);
  });

  it("starts a task as todo", () => {
    expect(DEFAULT_TASK_STATUS).toBe("todo");
  });

  it("ranks todo before doing before done", () => {
    expect([taskStatusRank("todo"), taskStatusRank("doing"), taskStatusRank("done")]).toEqual([0, 1, 2]);
  });

  it.each(["todo", "doing", "done"])("recognises %s", (value) => {
    expect(isTaskStatus(value)).toBe(true);
  });

  it.each([["TODO"], ["in_progress"], [""], [" todo"], [0], [null], [undefined]])("refuses %j", (value) => {
    expect(isTaskStatus(value)).toBe(false);
  });

  it("explains an invalid status by naming the choices", () => {
    expect(invalidStatusMessage("later")).toBe('"later" is not a valid choice. Choose among: todo, doing, done.');
  });
});
