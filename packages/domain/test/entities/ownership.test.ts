import { describe, expect, it } from "vitest";
import { canAccessTask, OPERATOR, userActor } from "../../src/index.ts";
import { aTask } from "../../src/testing/index.ts";

describe("the ownership policy", () => {
  const task = aTask({ ownerId: "alice-id" });

  it("lets a user access their own task", () => {
    expect(canAccessTask(userActor("alice-id"), task)).toBe(true);
  });

  it("refuses a user another user's task", () => {
    expect(canAccessTask(userActor("bob-id"), task)).toBe(false);
  });

  it("lets the operator access every task", () => {
    expect(canAccessTask(OPERATOR, task)).toBe(true);
  });

  it("describes a user actor by their id", () => {
    expect(userActor("alice-id")).toEqual({ kind: "user", userId: "alice-id" });
    expect(OPERATOR).toEqual({ kind: "operator" });
  });
});
