import type { User } from "../../entities/user.ts";
import { UserNotFound } from "../../errors.ts";
import type { UserRepository } from "../../ports/user-repository.ts";

/** The user of this id, or `UserNotFound` (naming the id: the admin's pages address users by id). */
export async function findUserByIdOrFail(users: UserRepository, id: string): Promise<User> {
  const user = await users.findById(id);
  if (user === null) throw new UserNotFound(id);
  return user;
}

/**
 * Inside a transaction: the user of this id, locked until it ends, or `UserNotFound`. What
 * a permission check reads, so that no concurrent change (a promotion to staff, say) can
 * come between the check and the write it allows.
 */
export async function lockUserOrFail(users: UserRepository, id: string): Promise<User> {
  const [user] = await users.lockByIds([id]);
  if (user === undefined) throw new UserNotFound(id);
  return user;
}
