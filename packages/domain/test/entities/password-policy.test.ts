import { describe, expect, it } from "vitest";
import { COMMON_PASSWORDS } from "../../src/entities/common-passwords.ts";
import {
  assertAcceptablePassword,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  ValidationError,
} from "../../src/index.ts";
import { GOOD_PASSWORD, text } from "../../src/testing/index.ts";

const ALICE = { username: "alice", email: "alice.smith@example.com" };
const TOO_SHORT = "This password is too short. It must contain at least 8 characters.";
const TOO_LONG = "This password is too long. It must contain at most 4096 characters.";
const TOO_SIMILAR = "The password is too similar to the username or email.";
const TOO_COMMON = "This password is too common.";
const NUMERIC = "This password is entirely numeric.";

function problems(password: string, user: { username: string; email?: string } = ALICE): readonly string[] {
  try {
    assertAcceptablePassword(password, user);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    expect(Object.keys(error.errors)).toEqual(["password"]);
    return error.errors.password ?? [];
  }
  return [];
}

describe("the password policy", () => {
  it("accepts a long, unusual password", () => {
    expect(problems(GOOD_PASSWORD)).toEqual([]);
  });

  it("needs at least 8 characters", () => {
    expect(PASSWORD_MIN_LENGTH).toBe(8);
    expect(problems("xK7#pQ2")).toEqual([TOO_SHORT]);
    expect(problems("xK7#pQ2z")).toEqual([]);
  });

  it("counts characters, not UTF-16 code units", () => {
    expect(problems("🔑🔒🗝️🔐")).toContain(TOO_SHORT);
    expect(problems("🔑🔒🔐🚪🧱🪟🛏️🧸")).toEqual([]);
  });

  it("allows at most 4096 characters", () => {
    expect(PASSWORD_MAX_LENGTH).toBe(4096);
    expect(problems(`x9${text(PASSWORD_MAX_LENGTH - 2, "q")}`)).toEqual([]);
    expect(problems(`x9${text(PASSWORD_MAX_LENGTH - 1, "q")}`)).toEqual([TOO_LONG]);
  });

  it("refuses a password that contains the username, in any case", () => {
    expect(problems("MyALICEpass!")).toEqual([TOO_SIMILAR]);
  });

  it("refuses a password that is part of the username", () => {
    expect(problems("grandmaster", { username: "the_grandmaster_of_chess" })).toEqual([TOO_SIMILAR]);
  });

  it("refuses a password that contains the local part of the email", () => {
    expect(problems("xx-alice.smith-yy", { username: "someone", email: "Alice.Smith@example.com" })).toEqual([
      TOO_SIMILAR,
    ]);
  });

  it("ignores user attributes shorter than 3 characters", () => {
    expect(problems("jo-is-my-name-here", { username: "jo", email: "jo@example.com" })).toEqual([]);
  });

  it("does not call a short fragment of the username similar", () => {
    expect(problems("", { username: "alice" })).toEqual([TOO_SHORT]);
    expect(problems("al", { username: "alice" })).toEqual([TOO_SHORT]);
  });

  it("works without an email", () => {
    expect(problems(GOOD_PASSWORD, { username: "alice" })).toEqual([]);
  });

  it.each(["password", "PassWord1", "qwertyuiop", "iloveyou"])("refuses the common password %j", (password) => {
    expect(problems(password)).toEqual([TOO_COMMON]);
  });

  // From the top, the middle and the end of the shipped list (ranks 1, 2, 1502, 1503, 2999, 3000).
  it.each(["password", "baseball", "wrestler", "building", "123456asd", "p455w0rd"])(
    "refuses %j from the list of the 3,000 most common passwords",
    (password) => {
      expect(problems(password)).toEqual([TOO_COMMON]);
    },
  );

  it("compares with the list in any case and without surrounding white space, as Django does", () => {
    expect(problems(" BaseBall ")).toEqual([TOO_COMMON]);
    expect(problems("P455W0RD\t")).toEqual([TOO_COMMON]);
  });

  it("ships 3,000 distinct lower-case passwords that no other rule refuses", () => {
    expect(COMMON_PASSWORDS.size).toBe(3000);
    for (const password of COMMON_PASSWORDS) {
      expect(password).toBe(password.toLowerCase().trim());
      expect([...password].length).toBeGreaterThanOrEqual(PASSWORD_MIN_LENGTH);
      expect(password).not.toMatch(/^\d+$/);
    }
  });

  it("refuses an entirely numeric password", () => {
    expect(problems("98127364")).toEqual([NUMERIC]);
  });

  it("lists every rule broken at once", () => {
    expect(problems("1234")).toEqual([TOO_SHORT, NUMERIC]);
    expect(problems("12345678")).toEqual([NUMERIC]);
    expect(problems("sunshine", { username: "sunshine" })).toEqual([TOO_SIMILAR, TOO_COMMON]);
  });
});
