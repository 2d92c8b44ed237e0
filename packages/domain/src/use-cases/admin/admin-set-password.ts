import { PASSWORD_MISMATCH, passwordProblems } from "../../entities/password-policy.ts";
import { assertMayManageUser, type StaffMember } from "../../entities/staff.ts";
import type { User } from "../../entities/user.ts";
import { UserNotFound } from "../../errors.ts";
import type { PasswordHasher } from "../../ports/password-hasher.ts";
import type { SecurityEvents } from "../../ports/security-events.ts";
import type { SessionRepository } from "../../ports/session-repository.ts";
import type { UnitOfWork } from "../../ports/unit-of-work.ts";
import type { UserRepository } from "../../ports/user-repository.ts";
import { throwCollected } from "../collect-errors.ts";
import { findUserByIdOrFail, lockUserOrFail } from "./find-user-by-id.ts";
import { type HistoryDeps, recordHistory } from "./history.ts";

type Deps = HistoryDeps & {
  users: UserRepository;
  sessions: SessionRepository;
  hasher: PasswordHasher;
  unitOfWork: UnitOfWork;
  events: SecurityEvents;
};

/**
 * The web admin's "Change password" form for a user: a new password typed twice, under the
 * password policy; every login the user had ends at once, as `SetPassword` does.
 */
export class AdminSetPassword {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: {
    staff: StaffMember;
    id: string;
    password: string;
    passwordConfirmation: string;
    /**
     * The login the staff member acts from. When they set their own password, that login
     * goes on (as Django's admin keeps its session) and every other one ends.
     */
    sessionId?: string;
  }): Promise<User> {
    const { users, sessions, hasher, unitOfWork, events, clock } = this.deps;
    const user = await findUserByIdOrFail(users, input.id);
    assertMayManageUser(input.staff, user);
    const errors: Record<string, readonly string[]> = {};
    const problems = passwordProblems(input.password, user);
    if (problems.length > 0) errors.password = problems;
    if (input.password !== input.passwordConfirmation) errors.password_confirmation = [PASSWORD_MISMATCH];
    throwCollected(errors);

    const passwordHash = await hasher.hash(input.password);
    const changed = await unitOfWork.transaction(async () => {
      // Checked again on the locked user: the user may have been made staff while the password was hashed.
      assertMayManageUser(input.staff, await lockUserOrFail(users, user.id));
      const stored = await users.changePassword(user.id, passwordHash);
      if (stored === null) throw new UserNotFound(input.id);
      const own = input.sessionId !== undefined && user.id === input.staff.userId ? input.sessionId : undefined;
      await sessions.revokeAllOf(user.id, "password_change", clock.now(), own);
      if (own !== undefined) await sessions.keepValidUnder(own, stored.tokenVersion);
      await recordHistory(
        this.deps,
        input.staff,
        { type: "user", id: user.id, repr: stored.username },
        "change",
        "Changed password.",
      );
      return stored;
    });
    events.record({ event: "password_changed", userId: user.id, by: "admin" });
    events.record({ event: "login_revoked", userId: user.id, sessionId: null, by: "password_change" });
    return changed;
  }
}
