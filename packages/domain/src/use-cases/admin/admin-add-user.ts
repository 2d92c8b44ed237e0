import { PASSWORD_MISMATCH, passwordProblems } from "../../entities/password-policy.ts";
import { assertMayManageUser, type StaffMember } from "../../entities/staff.ts";
import { User } from "../../entities/user.ts";
import { UsernameTaken } from "../../errors.ts";
import type { PasswordHasher } from "../../ports/password-hasher.ts";
import type { UnitOfWork } from "../../ports/unit-of-work.ts";
import type { UserRepository } from "../../ports/user-repository.ts";
import { collectErrors, throwCollected } from "../collect-errors.ts";
import { type HistoryDeps, recordHistory } from "./history.ts";

export interface AdminAddUserInput {
  readonly staff: StaffMember;
  readonly username: string;
  readonly email: string;
  readonly password: string;
  /** The password typed a second time. */
  readonly passwordConfirmation: string;
  readonly isStaff: boolean;
  readonly isSuperuser: boolean;
}

type Deps = HistoryDeps & { users: UserRepository; hasher: PasswordHasher; unitOfWork: UnitOfWork };

/**
 * The web admin's "Add user": an active user with a password typed twice. Only a
 * superuser may add staff or superusers. Every problem is reported at once, per field.
 */
export class AdminAddUser {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: AdminAddUserInput): Promise<User> {
    const { users, hasher, unitOfWork, clock, ids } = this.deps;
    assertMayManageUser(input.staff, input);
    const errors: Record<string, readonly string[]> = {};
    const stored = collectErrors(errors, () => User.validate(input)) ?? input;
    const problems = passwordProblems(input.password, stored);
    if (problems.length > 0) errors.password = problems;
    if (input.password !== input.passwordConfirmation) errors.password_confirmation = [PASSWORD_MISMATCH];
    if (!errors.username && (await users.findByUsername(stored.username)))
      Object.assign(errors, new UsernameTaken(stored.username).errors);
    throwCollected(errors);

    const user = User.create({
      ...input,
      id: ids.newId(),
      passwordHash: await hasher.hash(input.password),
      now: clock.now(),
    });
    await unitOfWork.transaction(async () => {
      await users.add(user);
      await recordHistory(
        this.deps,
        input.staff,
        { type: "user", id: user.id, repr: user.username },
        "addition",
        "Added.",
      );
    });
    return user;
  }
}
