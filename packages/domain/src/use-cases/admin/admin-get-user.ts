import type { User } from "../../entities/user.ts";
import type { UserRepository } from "../../ports/user-repository.ts";
import { findUserByIdOrFail } from "./find-user-by-id.ts";

type Deps = { users: UserRepository };

/** The web admin's look-up of one user by id, for its change, password and delete pages. */
export class AdminGetUser {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  execute(input: { id: string }): Promise<User> {
    return findUserByIdOrFail(this.deps.users, input.id);
  }
}
