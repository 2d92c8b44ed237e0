import { FIELD_MESSAGES } from "../field-messages.ts";

// Without the u flag, a regular expression sees UTF-16 units, so it can find a half pair.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * What is wrong with text that storage could not hold as it is, or `null` when it can: a
 * NUL (PostgreSQL refuses it) or a UTF-16 surrogate without its pair (UTF-8 cannot encode
 * it, so a driver would silently write U+FFFD instead).
 */
export function unstorableTextProblem(text: string): string | null {
  if (text.includes("\u0000")) return FIELD_MESSAGES.nullCharacters;
  if (LONE_SURROGATE.test(text)) return FIELD_MESSAGES.loneSurrogate;
  return null;
}
