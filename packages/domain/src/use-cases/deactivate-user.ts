import type { User } from "../entities/user.ts";
import { UserNotFound } from "../errors.ts";
import type { Clock } from "../ports/clock.ts";
import type { SecurityEvents } from "../ports/security-events.ts";
import type { SessionRepository } from "../ports/session-repository.ts";
import type { UnitOfWork } from "../ports/unit-of-work.ts";
import type { UserRepository } from "../ports/user-repository.ts";
import { findUserOrFail } from "./find-user.ts";

type Deps = {
  users: UserRepository;
  sessions: SessionRepository;
  clock: Clock;
  unitOfWork: UnitOfWork;
  events: SecurityEvents;
};

/** The user can no longer log in, and every login they had ends at once. */
export class DeactivateUser {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: { username: string }): Promise<User> {
    const { users, sessions, clock, unitOfWork, events } = this.deps;
    const user = await findUserOrFail(users, input.username);
    const deactivated = await unitOfWork.transaction(async () => {
      const stored = await users.deactivate(user.id);
      if (stored === null) throw new UserNotFound(input.username);
      await sessions.revokeAllOf(user.id, "deactivation", clock.now());
      return stored;
    });
    if (user.isActive) {
      events.record({ event: "user_deactivated", userId: user.id });
      events.record({ event: "login_revoked", userId: user.id, sessionId: null, by: "deactivation" });
    }
    return deactivated;
  }
}
