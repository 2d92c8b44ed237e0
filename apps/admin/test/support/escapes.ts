import { expect } from "vitest";

// Turns the text red, then shows what follows it on the line reversed.
export const TITLE = "\u001b[31mPay\u001b[0m \u202elive";
export const SHOWN_TITLE = "\\x1b[31mPay\\x1b[0m \\u202elive";
export const EMAIL = "mallory\u001b[8m\u2066@example.com";
export const SHOWN_EMAIL = "mallory\\x1b[8m\\u2066@example.com";

/** None of the characters of TITLE and EMAIL that a terminal would act on instead of showing. */
export function expectNoControls(text: string): void {
  for (const character of ["\u001b", "\u202e", "\u2066"]) expect(text).not.toContain(character);
}
