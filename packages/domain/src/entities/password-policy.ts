import { ValidationError } from "../errors.ts";
import { COMMON_PASSWORDS } from "./common-passwords.ts";

export const PASSWORD_MIN_LENGTH = 8;
// Beyond this a password only costs hashing time; it also bounds what a client can make us hash.
export const PASSWORD_MAX_LENGTH = 4096;
// Shorter fragments (of the password or of a user attribute) match too much to mean "similar".
const SIMILARITY_MIN_LENGTH = 3;

/**
 * Django's default password validators: minimum length, not too similar to the username
 * or email, not a common password, not entirely numeric. Throws a ValidationError on the
 * `password` field listing every rule broken.
 */
/** Django's words when a password and its confirmation differ. */
export const PASSWORD_MISMATCH = "The two password fields didn’t match.";

export function assertAcceptablePassword(password: string, user: { username: string; email?: string }): void {
  const messages = passwordProblems(password, user);
  if (messages.length > 0) throw new ValidationError({ password: messages });
}

/** What `assertAcceptablePassword` would refuse, for a form that names the field otherwise. */
export function passwordProblems(password: string, user: { username: string; email?: string }): string[] {
  const messages: string[] = [];
  // Characters as Django counts them (code points), not UTF-16 code units.
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH)
    messages.push(`This password is too short. It must contain at least ${PASSWORD_MIN_LENGTH} characters.`);
  if (length > PASSWORD_MAX_LENGTH)
    messages.push(`This password is too long. It must contain at most ${PASSWORD_MAX_LENGTH} characters.`);
  const lowered = password.toLowerCase();
  const similarTo = [user.username, (user.email ?? "").split("@")[0] ?? ""]
    .map((value) => value.toLowerCase())
    .filter((value) => value.length >= SIMILARITY_MIN_LENGTH);
  if (
    similarTo.some(
      (value) => lowered.includes(value) || (lowered.length >= SIMILARITY_MIN_LENGTH && value.includes(lowered)),
    )
  )
    messages.push("The password is too similar to the username or email.");
  // As Django's CommonPasswordValidator compares: in lower case, without surrounding white space.
  if (COMMON_PASSWORDS.has(lowered.trim())) messages.push("This password is too common.");
  if (/^\d+$/.test(password)) messages.push("This password is entirely numeric.");
  return messages;
}
