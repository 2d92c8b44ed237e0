import { loginAttemptKeys } from "../entities/login-attempt-keys.ts";
import type { User } from "../entities/user.ts";
import { couldBeUsername } from "../entities/user.ts";
import { InvalidCredentials, LoginThrottled } from "../errors.ts";
import type { IdGenerator } from "../ports/id-generator.ts";
import type { LoginThrottle } from "../ports/login-throttle.ts";
import type { PasswordHasher } from "../ports/password-hasher.ts";
import type { SecurityEvents } from "../ports/security-events.ts";
import type { UserRepository } from "../ports/user-repository.ts";

type Deps = {
  users: UserRepository;
  hasher: PasswordHasher;
  throttle: LoginThrottle;
  ids: IdGenerator;
  events: SecurityEvents;
};

export interface PasswordCheckInput {
  readonly username: string;
  readonly password: string;
  readonly clientAddress: string;
  /** Refuse a user who is not staff, as a wrong password is refused. */
  readonly staffOnly?: boolean;
}

/**
 * Password checks of one username, or from one client address, that may run at once in
 * this process: a burst from one address cannot take every thread that hashes passwords.
 */
export const MAX_LOGIN_CHECKS_IN_FLIGHT = 2;
// What a client refused for having too many checks in flight is told to wait.
const IN_FLIGHT_RETRY_AFTER_SECONDS = 1;

/**
 * Checks a username and password the way every login does (tokens, cookies, a password
 * change's old password). Each check is first reserved with the failed-login throttle, so
 * a username or an address that has used up its failures is refused before any password
 * is checked, right or wrong; a success gives the attempt back, a wrong password keeps it.
 * An unknown user costs the same hashing work as a known one, and an unknown user, an
 * inactive user, a wrong password and (when only staff may log in) a user who is not
 * staff all fail with the same error, counted alike.
 */
export class PasswordCheck {
  private dummyHash: Promise<string> | undefined;
  private readonly inFlight = new Map<string, number>();
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  /** The active user (staff too, when `staffOnly`) with this username and password; `InvalidCredentials` or `LoginThrottled` otherwise. */
  async check(input: PasswordCheckInput): Promise<User> {
    const keys = loginAttemptKeys(input.username, input.clientAddress);
    try {
      if (keys.some((key) => (this.inFlight.get(key) ?? 0) >= MAX_LOGIN_CHECKS_IN_FLIGHT))
        throw new LoginThrottled(IN_FLIGHT_RETRY_AFTER_SECONDS);
      for (const key of keys) this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
      try {
        return await this.reservedCheck(input, keys);
      } finally {
        for (const key of keys) {
          const count = (this.inFlight.get(key) ?? 1) - 1;
          if (count === 0) this.inFlight.delete(key);
          else this.inFlight.set(key, count);
        }
      }
    } catch (error) {
      const event = { username: input.username, clientAddress: input.clientAddress };
      if (error instanceof InvalidCredentials) this.deps.events.record({ event: "login_failed", ...event });
      if (error instanceof LoginThrottled) this.deps.events.record({ event: "login_throttled", ...event });
      throw error;
    }
  }

  private async reservedCheck(input: PasswordCheckInput, keys: readonly string[]): Promise<User> {
    const { users, hasher, throttle } = this.deps;
    const attempt = await throttle.reserve(keys);
    try {
      const found = couldBeUsername(input.username) ? await users.findByUsername(input.username) : null;
      const passwordMatches = await hasher.verify(found?.passwordHash ?? (await this.hashOfNothing()), input.password);
      if (!found || !passwordMatches || !found.isActive || (input.staffOnly === true && !found.isStaff))
        throw new InvalidCredentials();
      await attempt.giveBack();
      return found;
    } catch (error) {
      // Only a checked, wrong login counts; one that could not be checked (storage down) does not.
      if (!(error instanceof InvalidCredentials)) await attempt.giveBack();
      throw error;
    }
  }

  /** A real hash of a random value, made once, so that unknown users cost one verification too. */
  private hashOfNothing(): Promise<string> {
    this.dummyHash ??= this.deps.hasher.hash(this.deps.ids.newId());
    return this.dummyHash;
  }
}
