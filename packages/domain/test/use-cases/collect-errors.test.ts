import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/index.ts";
import { collectErrors, throwCollected } from "../../src/use-cases/collect-errors.ts";

describe("collectErrors", () => {
  it("answers the check's value and collects nothing when it passes", () => {
    const errors: Record<string, readonly string[]> = {};

    expect(collectErrors(errors, () => 42)).toBe(42);
    expect(errors).toEqual({});
  });

  it("collects the field errors of a failed check, answering undefined", () => {
    const errors: Record<string, readonly string[]> = { title: ["Bad title."] };

    expect(
      collectErrors(errors, () => {
        throw new ValidationError({ owner: ["Bad owner."] });
      }),
    ).toBeUndefined();
    expect(errors).toEqual({ title: ["Bad title."], owner: ["Bad owner."] });
  });

  it("lets any other error go on up", () => {
    const outage = new Error("storage down");

    expect(() =>
      collectErrors({}, () => {
        throw outage;
      }),
    ).toThrow(outage);
  });
});

describe("throwCollected", () => {
  it("throws the collected errors as one ValidationError, and nothing when there are none", () => {
    expect(() => throwCollected({})).not.toThrow();
    expect(() => throwCollected({ a: ["x"], b: ["y"] })).toThrow(
      expect.objectContaining({ errors: { a: ["x"], b: ["y"] } }),
    );
  });
});
