import { assertMayManageUser, type StaffMember } from "../../entities/staff.ts";
import type { User } from "../../entities/user.ts";
import type { UserRepository } from "../../ports/user-repository.ts";
import { findUserByIdOrFail } from "./find-user-by-id.ts";

type Deps = { users: UserRepository };

/** The web admin's look-up of one user by id, for its change, password, delete and history pages. */
export class AdminGetUser {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  /** The user, if the staff member may manage them (see `mayManageUser`); `PermissionDenied` otherwise. */
  async execute(input: { staff: StaffMember; id: string }): Promise<User> {
    const user = await findUserByIdOrFail(this.deps.users, input.id);
    assertMayManageUser(input.staff, user);
    return user;
  }
}
