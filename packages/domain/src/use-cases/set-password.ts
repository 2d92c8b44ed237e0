import { assertAcceptablePassword } from "../entities/password-policy.ts";
import type { User } from "../entities/user.ts";
import { UserNotFound } from "../errors.ts";
import type { PasswordHasher } from "../ports/password-hasher.ts";
import type { UserRepository } from "../ports/user-repository.ts";
import { findUserOrFail } from "./find-user.ts";

type Deps = { users: UserRepository; hasher: PasswordHasher };

/** Sets a new password; every token the user had stops working. */
export class SetPassword {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: { username: string; password: string }): Promise<User> {
    const user = await findUserOrFail(this.deps.users, input.username);
    assertAcceptablePassword(input.password, user);
    const changed = await this.deps.users.changePassword(user.id, await this.deps.hasher.hash(input.password));
    if (changed === null) throw new UserNotFound(input.username);
    return changed;
  }
}
