import { assertPageExists, parseOperatorPaging } from "../entities/task-query.ts";
import type { User } from "../entities/user.ts";
import type { UserRepository } from "../ports/user-repository.ts";

/** One page of a list the operator reads, with the total. */
export interface OperatorPage<T> {
  readonly count: number;
  readonly page: number;
  readonly pageSize: number;
  readonly results: T[];
}

type Deps = { users: UserRepository };

/** One page of the users, oldest first: the operator's view. A page past the last is `PageNotFound`. */
export class ListUsers {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: { page?: number; limit?: number } = {}): Promise<OperatorPage<User>> {
    const request = parseOperatorPaging(input.page, input.limit);
    const { items, count } = await this.deps.users.list(request);
    assertPageExists(request, count);
    return { count, ...request, results: items };
  }
}
