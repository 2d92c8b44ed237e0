import { DEFAULT_USER_ORDERING, parseSearch, USER_ORDERING_FIELDS } from "../entities/operator-query.ts";
import { assertPageExists, parseOperatorPaging, parseOrdering } from "../entities/task-query.ts";
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

/**
 * One page of the users: the operator's view (taskctl, the admin's change list), filtered
 * by staff and active status and by text in the username or email, ordered by
 * `ordering` (`-last_login,username`; default oldest first). A page past the last is
 * `PageNotFound`.
 */
export class ListUsers {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(
    input: {
      page?: number;
      limit?: number;
      isStaff?: boolean;
      isActive?: boolean;
      search?: string;
      ordering?: string;
    } = {},
  ): Promise<OperatorPage<User>> {
    const request = parseOperatorPaging(input.page, input.limit);
    const ordering = parseOrdering(input.ordering, USER_ORDERING_FIELDS, DEFAULT_USER_ORDERING);
    const filter = { isStaff: input.isStaff, isActive: input.isActive, search: parseSearch(input.search) };
    const { items, count } = await this.deps.users.list(request, filter, ordering);
    assertPageExists(request, count);
    return { count, ...request, results: items };
  }
}
