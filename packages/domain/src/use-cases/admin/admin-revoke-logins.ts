import { assertMayManageUser, type StaffMember } from "../../entities/staff.ts";
import type { SecurityEvents } from "../../ports/security-events.ts";
import type { SessionRepository } from "../../ports/session-repository.ts";
import type { UnitOfWork } from "../../ports/unit-of-work.ts";
import type { UserRepository } from "../../ports/user-repository.ts";
import { lockUserOrFail } from "./find-user-by-id.ts";
import { type HistoryDeps, recordHistory } from "./history.ts";

type Deps = HistoryDeps & {
  users: UserRepository;
  sessions: SessionRepository;
  unitOfWork: UnitOfWork;
  events: SecurityEvents;
};

/** The web admin's "Revoke all logins" of a user: every token and session of theirs stops working. Answers how many. */
export class AdminRevokeLogins {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: { staff: StaffMember; id: string }): Promise<number> {
    const { users, sessions, unitOfWork, events, clock } = this.deps;
    const { user, revoked } = await unitOfWork.transaction(async () => {
      const user = await lockUserOrFail(users, input.id);
      assertMayManageUser(input.staff, user);
      const count = await sessions.revokeAllOf(user.id, "admin", clock.now());
      const message = `Revoked all logins (${count}).`;
      await recordHistory(
        this.deps,
        input.staff,
        { type: "user", id: user.id, repr: user.username },
        "change",
        message,
      );
      return { user, revoked: count };
    });
    if (revoked > 0) events.record({ event: "login_revoked", userId: user.id, sessionId: null, by: "admin" });
    return revoked;
  }
}
