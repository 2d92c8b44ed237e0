import type { User } from "../entities/user.ts";
import type { UserRepository } from "../ports/user-repository.ts";
import { findUserOrFail } from "./find-user.ts";

type Deps = { users: UserRepository };

/** Deletes the user with all their tasks and sessions. */
export class DeleteUser {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: { username: string }): Promise<User> {
    const user = await findUserOrFail(this.deps.users, input.username);
    await this.deps.users.delete(user.id);
    return user;
  }
}
