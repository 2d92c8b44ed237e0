import type { User } from "../../entities/user.ts";
import { couldBeUsername } from "../../entities/user.ts";
import { FIELD_MESSAGES } from "../../field-messages.ts";
import type { UserRepository } from "../../ports/user-repository.ts";

/** Django's words for a choice that names nothing, as its admin says for an unknown owner. */
export const INVALID_OWNER = "Select a valid choice. That choice is not one of the available choices.";

/**
 * The owner a task form names by username: the user, or the field's error. A form's
 * empty field is "required".
 */
export async function findOwner(
  users: UserRepository,
  username: string,
): Promise<{ owner: User; error?: undefined } | { owner?: undefined; error: string }> {
  if (username.trim() === "") return { error: FIELD_MESSAGES.required };
  const owner = couldBeUsername(username) ? await users.findByUsername(username) : null;
  return owner ? { owner } : { error: INVALID_OWNER };
}
