import type { User } from "../entities/user.ts";
import type { UserRepository } from "../ports/user-repository.ts";
import { findUserOrFail } from "./find-user.ts";

type Deps = { users: UserRepository };

/** The operator's look-up of one user by username, in any case. */
export class GetUser {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  execute(input: { username: string }): Promise<User> {
    return findUserOrFail(this.deps.users, input.username);
  }
}
