import type { User } from "../entities/user.ts";
import type { UserRepository } from "../ports/user-repository.ts";

type Deps = { users: UserRepository };

/** Every user, oldest first: the operator's view. */
export class ListUsers {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  execute(): Promise<User[]> {
    return this.deps.users.list();
  }
}
