import type { User } from "../entities/user.ts";
import { UserNotFound } from "../errors.ts";
import type { UserRepository } from "../ports/user-repository.ts";
import { findUserOrFail } from "./find-user.ts";

type Deps = { users: UserRepository };

/** The user can no longer log in, and every token already issued to them stops working. */
export class DeactivateUser {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: { username: string }): Promise<User> {
    const user = await findUserOrFail(this.deps.users, input.username);
    const deactivated = await this.deps.users.deactivate(user.id);
    if (deactivated === null) throw new UserNotFound(input.username);
    return deactivated;
  }
}
