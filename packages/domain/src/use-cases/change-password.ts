import { PASSWORD_MISMATCH, passwordProblems } from "../entities/password-policy.ts";
import { InvalidCredentials, UserGone, ValidationError } from "../errors.ts";
import type { Clock } from "../ports/clock.ts";
import type { PasswordHasher } from "../ports/password-hasher.ts";
import type { SecurityEvents } from "../ports/security-events.ts";
import type { SessionRepository } from "../ports/session-repository.ts";
import type { UnitOfWork } from "../ports/unit-of-work.ts";
import type { UserRepository } from "../ports/user-repository.ts";
import { throwCollected } from "./collect-errors.ts";
import type { PasswordCheck } from "./password-check.ts";

type Deps = {
  passwords: PasswordCheck;
  users: UserRepository;
  sessions: SessionRepository;
  hasher: PasswordHasher;
  clock: Clock;
  unitOfWork: UnitOfWork;
  events: SecurityEvents;
};

export const WRONG_OLD_PASSWORD = "Your old password was entered incorrectly. Please enter it again.";

/**
 * A user changes their own password from one of their logins, giving the old one (checked
 * like a login, throttle included). The password policy applies to the new one. Every
 * other login of the user is revoked; the one the change was made from stays. A caller
 * deleted since their login was checked is `UserGone`.
 */
export class ChangePassword {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: {
    userId: string;
    sessionId: string;
    oldPassword: string;
    newPassword: string;
    /** The new password typed a second time, when the form asks for it (the web admin's does). */
    newPasswordConfirmation?: string;
    clientAddress: string;
  }): Promise<void> {
    const { passwords, users, sessions, hasher, clock, unitOfWork, events } = this.deps;
    const user = await users.findById(input.userId);
    if (user === null) throw new UserGone(input.userId);
    try {
      await passwords.check({
        username: user.username,
        password: input.oldPassword,
        clientAddress: input.clientAddress,
      });
    } catch (error) {
      if (!(error instanceof InvalidCredentials)) throw error;
      // Deleted before the check looked them up by name: gone, not a wrong password.
      if ((await users.findById(user.id)) === null) throw new UserGone(user.id);
      throw new ValidationError({ old_password: [WRONG_OLD_PASSWORD] });
    }
    const errors: Record<string, readonly string[]> = {};
    const problems = passwordProblems(input.newPassword, user);
    if (problems.length > 0) errors.new_password = problems;
    if (input.newPasswordConfirmation !== undefined && input.newPasswordConfirmation !== input.newPassword)
      errors.new_password_confirmation = [PASSWORD_MISMATCH];
    throwCollected(errors);
    const passwordHash = await hasher.hash(input.newPassword);
    const now = clock.now();
    await unitOfWork.transaction(async () => {
      const changed = await users.changePassword(user.id, passwordHash);
      if (changed === null) throw new UserGone(user.id);
      await sessions.revokeAllOf(user.id, "password_change", now, input.sessionId);
      await sessions.keepValidUnder(input.sessionId, changed.tokenVersion);
    });
    events.record({ event: "password_changed", userId: user.id, by: "user" });
    events.record({ event: "login_revoked", userId: user.id, sessionId: null, by: "password_change" });
  }
}
