import type { User } from "../entities/user.ts";
import { UserNotFound } from "../errors.ts";
import type { UserRepository } from "../ports/user-repository.ts";
import { findUserOrFail } from "./find-user.ts";

type Deps = { users: UserRepository };

/** The user may log in again. Tokens revoked by the deactivation stay revoked. */
export class ActivateUser {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: { username: string }): Promise<User> {
    const user = await findUserOrFail(this.deps.users, input.username);
    const activated = await this.deps.users.activate(user.id);
    if (activated === null) throw new UserNotFound(input.username);
    return activated;
  }
}
