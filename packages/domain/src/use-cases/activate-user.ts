import type { User } from "../entities/user.ts";
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
    const updated = user.activate();
    if (updated !== user) await this.deps.users.update(updated);
    return updated;
  }
}
