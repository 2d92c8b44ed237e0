import type { User } from "../entities/user.ts";
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
    const updated = user.deactivate();
    if (updated !== user) await this.deps.users.update(updated);
    return updated;
  }
}
