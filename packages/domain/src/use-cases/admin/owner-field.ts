import type { StaffMember } from "../../entities/staff.ts";
import type { User } from "../../entities/user.ts";
import { couldBeUsername } from "../../entities/user.ts";
import { UserGone, UserNotFound, ValidationError } from "../../errors.ts";
import { FIELD_MESSAGES } from "../../field-messages.ts";
import type { UserRepository } from "../../ports/user-repository.ts";

/**
 * What the owner field says of a username no user has. The owner is typed, not chosen
 * from a list, so the field says what a look-up by username says (`UserNotFound`).
 */
export function unknownOwner(username: string): string {
  return new UserNotFound(username.trim()).message;
}

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
  return owner ? { owner } : { error: unknownOwner(username) };
}

/**
 * Runs `write`, in which `staff` stores a task for `owner`, the user the form's `username`
 * named. An owner deleted since `findOwner` found them is reported as the field's error, as
 * a form sent a moment later would be; unless the owner is the staff member, whose own
 * deletion ends their request as `UserGone`.
 */
export async function writeForOwner<T>(
  staff: StaffMember,
  owner: User,
  username: string,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof UserGone && error.userId === owner.id && owner.id !== staff.userId)
      throw new ValidationError({ owner: [unknownOwner(username)] });
    throw error;
  }
}
