import { assertAcceptablePassword } from "../entities/password-policy.ts";
import type { User } from "../entities/user.ts";
import { UserNotFound } from "../errors.ts";
import type { Clock } from "../ports/clock.ts";
import type { PasswordHasher } from "../ports/password-hasher.ts";
import type { SecurityEvents } from "../ports/security-events.ts";
import type { SessionRepository } from "../ports/session-repository.ts";
import type { UnitOfWork } from "../ports/unit-of-work.ts";
import type { UserRepository } from "../ports/user-repository.ts";
import { findUserOrFail } from "./find-user.ts";

type Deps = {
  users: UserRepository;
  sessions: SessionRepository;
  hasher: PasswordHasher;
  clock: Clock;
  unitOfWork: UnitOfWork;
  events: SecurityEvents;
};

/** An operator sets a user's password: every login the user had ends at once. */
export class SetPassword {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: { username: string; password: string }): Promise<User> {
    const { users, sessions, hasher, clock, unitOfWork, events } = this.deps;
    const user = await findUserOrFail(users, input.username);
    assertAcceptablePassword(input.password, user);
    const passwordHash = await hasher.hash(input.password);
    const changed = await unitOfWork.transaction(async () => {
      const stored = await users.changePassword(user.id, passwordHash);
      if (stored === null) throw new UserNotFound(input.username);
      await sessions.revokeAllOf(user.id, "password_change", clock.now());
      return stored;
    });
    events.record({ event: "password_changed", userId: user.id, by: "admin" });
    events.record({ event: "login_revoked", userId: user.id, sessionId: null, by: "password_change" });
    return changed;
  }
}
