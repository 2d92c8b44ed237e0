import { couldBeUsername, type User } from "../entities/user.ts";
import { UserNotFound } from "../errors.ts";
import type { UserRepository } from "../ports/user-repository.ts";

/** The user with this username (in any case), or `UserNotFound`. */
export async function findUserOrFail(users: UserRepository, username: string): Promise<User> {
  const user = couldBeUsername(username) ? await users.findByUsername(username) : null;
  if (!user) throw new UserNotFound(username);
  return user;
}
