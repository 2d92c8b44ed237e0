import { assertMayManageUser, type StaffMember } from "../../entities/staff.ts";
import type { User } from "../../entities/user.ts";
import type { UnitOfWork } from "../../ports/unit-of-work.ts";
import type { UserRepository } from "../../ports/user-repository.ts";
import { type HistoryDeps, recordHistory } from "./history.ts";

type Deps = HistoryDeps & { users: UserRepository; unitOfWork: UnitOfWork };

/**
 * The web admin's delete page and its "Delete selected" action for users: each goes with
 * its tasks and logins, all in one transaction, each recorded in the history. If the staff
 * member may not delete one of them, none is deleted. Answers the users it deleted (one
 * already gone is left out).
 */
export class AdminDeleteUsers {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  execute(input: { staff: StaffMember; ids: readonly string[] }): Promise<User[]> {
    const { users, unitOfWork } = this.deps;
    return unitOfWork.transaction(async () => {
      // Locked, so that none of them can be made staff between this check and the deletion.
      const found = await users.lockByIds(input.ids);
      for (const user of found) assertMayManageUser(input.staff, user);
      // A superuser who deletes their own account is named by username alone, as the cascade
      // names them in their other entries: no entry may keep the id of a user who is gone.
      const deletesSelf = found.some((user) => user.id === input.staff.userId);
      const author = deletesSelf ? { userId: null, username: input.staff.username } : input.staff;
      const deleted: User[] = [];
      for (const user of found) {
        if (!(await users.delete(user.id))) continue;
        await recordHistory(
          this.deps,
          author,
          { type: "user", id: user.id, repr: user.username },
          "deletion",
          "Deleted.",
        );
        deleted.push(user);
      }
      return deleted;
    });
  }
}
