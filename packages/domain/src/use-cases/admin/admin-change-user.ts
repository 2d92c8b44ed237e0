import { assertMayManageUser, type StaffMember } from "../../entities/staff.ts";
import { canonicalUsername, User } from "../../entities/user.ts";
import { UserNotFound, UsernameTaken } from "../../errors.ts";
import type { Clock } from "../../ports/clock.ts";
import type { SecurityEvents } from "../../ports/security-events.ts";
import type { SessionRepository } from "../../ports/session-repository.ts";
import type { UnitOfWork } from "../../ports/unit-of-work.ts";
import type { UserProfileChanges, UserRepository } from "../../ports/user-repository.ts";
import { collectErrors, throwCollected } from "../collect-errors.ts";
import { lockUserOrFail } from "./find-user-by-id.ts";
import { changedFieldsMessage, changedLabels, type HistoryDeps, recordHistory } from "./history.ts";

/** The labels the user's change form and its history use. */
export const USER_FIELD_LABELS = {
  username: "Username",
  email: "Email address",
  isStaff: "Staff status",
  isSuperuser: "Superuser status",
  isActive: "Active",
};

export interface AdminChangeUserInput {
  readonly staff: StaffMember;
  readonly id: string;
  readonly username: string;
  readonly email: string;
  readonly isStaff: boolean;
  readonly isActive: boolean;
  /** Left out when the form does not show it (to staff who are not superusers): unchanged. */
  readonly isSuperuser?: boolean;
}

type Deps = HistoryDeps & {
  users: UserRepository;
  sessions: SessionRepository;
  unitOfWork: UnitOfWork;
  events: SecurityEvents;
  clock: Clock;
};

/**
 * The web admin's user change form. Only a superuser may change a staff user or a
 * superuser, or make a user either. Deactivating ends every login of the user at once, as
 * `DeactivateUser` does; as at creation, a superuser is always staff.
 */
export class AdminChangeUser {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: AdminChangeUserInput): Promise<User> {
    const { users, sessions, unitOfWork, events, clock } = this.deps;
    // Everything is read, checked and written on the user locked in one transaction, so
    // that a change made meanwhile (a superuser promoting the user, say) is neither
    // written over with what was read before it nor slips past the permission check.
    const { changed, before, deactivating } = await unitOfWork.transaction(async () => {
      const before = await lockUserOrFail(users, input.id);
      const isSuperuser = input.isSuperuser ?? before.isSuperuser;
      const isStaff = isSuperuser || input.isStaff;
      assertMayManageUser(input.staff, before);
      assertMayManageUser(input.staff, { isStaff, isSuperuser });
      const errors: Record<string, readonly string[]> = {};
      const checked = collectErrors(errors, () => User.validate(input));
      // A valid new username is looked up even when the email is not, so that a taken one is
      // reported with the other fields' errors at once, as AdminAddUser reports it.
      if (errors.username === undefined && canonicalUsername(input.username) !== canonicalUsername(before.username)) {
        const other = await users.findByUsername(input.username);
        if (other !== null && other.id !== before.id) Object.assign(errors, new UsernameTaken(input.username).errors);
      }
      throwCollected(errors);

      const profile: UserProfileChanges = { ...(checked as { username: string; email: string }), isStaff, isSuperuser };
      const message = changedFieldsMessage(
        changedLabels(before, { ...profile, isActive: input.isActive }, USER_FIELD_LABELS),
      );
      const deactivating = before.isActive && !input.isActive;
      let stored = await users.updateProfile(before.id, profile);
      if (stored !== null && deactivating) {
        stored = await users.deactivate(before.id);
        await sessions.revokeAllOf(before.id, "deactivation", clock.now());
      } else if (stored !== null && input.isActive) stored = await users.activate(before.id);
      if (stored === null) throw new UserNotFound(input.id);
      await recordHistory(
        this.deps,
        input.staff,
        { type: "user", id: stored.id, repr: stored.username },
        "change",
        message,
      );
      return { changed: stored, before, deactivating };
    });
    if (deactivating) {
      events.record({ event: "user_deactivated", userId: before.id });
      events.record({ event: "login_revoked", userId: before.id, sessionId: null, by: "deactivation" });
    }
    return changed;
  }
}
