import { assertAcceptablePassword } from "../entities/password-policy.ts";
import { User } from "../entities/user.ts";
import { UsernameTaken, ValidationError } from "../errors.ts";
import type { Clock } from "../ports/clock.ts";
import type { IdGenerator } from "../ports/id-generator.ts";
import type { PasswordHasher } from "../ports/password-hasher.ts";
import type { UserRepository } from "../ports/user-repository.ts";
import { collectErrors } from "./collect-errors.ts";

export interface CreateUserInput {
  readonly username: string;
  readonly email?: string;
  readonly password: string;
  readonly isStaff?: boolean;
  readonly isSuperuser?: boolean;
}

type Deps = { users: UserRepository; hasher: PasswordHasher; clock: Clock; ids: IdGenerator };

/** Creates an active user. Every problem with the input is reported at once, per field. */
export class CreateUser {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: CreateUserInput): Promise<User> {
    const { users, hasher, clock, ids } = this.deps;
    const errors: Record<string, readonly string[]> = {};
    // Uniqueness and password similarity compare the username and email as they will be stored (trimmed).
    const stored = collectErrors(errors, () => User.validate(input)) ?? input;
    collectErrors(errors, () => assertAcceptablePassword(input.password, stored));
    if (!errors.username && (await users.findByUsername(stored.username)))
      Object.assign(errors, new UsernameTaken(stored.username).errors);
    if (Object.keys(errors).length > 0) throw new ValidationError(errors);

    const user = User.create({
      ...input,
      id: ids.newId(),
      passwordHash: await hasher.hash(input.password),
      now: clock.now(),
    });
    await users.add(user);
    return user;
  }
}
