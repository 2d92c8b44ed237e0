import { loginAttemptKeys } from "../entities/login-attempt-keys.ts";
import { Session } from "../entities/session.ts";
import type { User } from "../entities/user.ts";
import { InvalidCredentials, LoginThrottled } from "../errors.ts";
import type { Clock } from "../ports/clock.ts";
import type { IdGenerator } from "../ports/id-generator.ts";
import type { LoginThrottle } from "../ports/login-throttle.ts";
import type { PasswordHasher } from "../ports/password-hasher.ts";
import type { SessionRepository } from "../ports/session-repository.ts";
import type { TokenService } from "../ports/token-service.ts";
import type { UnitOfWork } from "../ports/unit-of-work.ts";
import type { UserRepository } from "../ports/user-repository.ts";
import { issueTokenPair, type TokenPair } from "./token-pair.ts";

export interface LogInInput {
  readonly username: string;
  readonly password: string;
  /** The client's IP address, for the failed-login throttle. */
  readonly clientAddress: string;
}

type Deps = {
  users: UserRepository;
  sessions: SessionRepository;
  hasher: PasswordHasher;
  tokens: TokenService;
  throttle: LoginThrottle;
  clock: Clock;
  ids: IdGenerator;
  unitOfWork: UnitOfWork;
};

/**
 * Password checks of one username, or from one client address, that may run at once in
 * this process: a burst from one address cannot take every thread that hashes passwords.
 */
export const MAX_LOGIN_CHECKS_IN_FLIGHT = 2;
// What a client refused for having too many checks in flight is told to wait.
const IN_FLIGHT_RETRY_AFTER_SECONDS = 1;

/**
 * Login: checks the password, starts a Session and issues its first token pair. An
 * unknown user costs the same hashing work as a known one, and an unknown user, an
 * inactive user and a wrong password all fail with the same error. Every check is first
 * reserved with the failed-login throttle, so a username or an address that has used up
 * its failures is refused before any password is checked, right or wrong.
 */
export class LogIn {
  private dummyHash: Promise<string> | undefined;
  private readonly inFlight = new Map<string, number>();
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: LogInInput): Promise<TokenPair> {
    const keys = loginAttemptKeys(input.username, input.clientAddress);
    if (keys.some((key) => (this.inFlight.get(key) ?? 0) >= MAX_LOGIN_CHECKS_IN_FLIGHT))
      throw new LoginThrottled(IN_FLIGHT_RETRY_AFTER_SECONDS);
    for (const key of keys) this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    try {
      return await this.checkedLogIn(input, keys);
    } finally {
      for (const key of keys) {
        const count = (this.inFlight.get(key) ?? 1) - 1;
        if (count === 0) this.inFlight.delete(key);
        else this.inFlight.set(key, count);
      }
    }
  }

  private async checkedLogIn(input: LogInInput, keys: readonly string[]): Promise<TokenPair> {
    const { users, sessions, hasher, throttle, clock, ids, unitOfWork } = this.deps;
    const attempt = await throttle.reserve(keys);
    let user: User;
    try {
      const found = await users.findByUsername(input.username);
      const passwordMatches = await hasher.verify(found?.passwordHash ?? (await this.hashOfNothing()), input.password);
      if (!found || !passwordMatches || !found.isActive) throw new InvalidCredentials();
      user = found;
    } catch (error) {
      // Only a checked, wrong login counts; one that could not be checked (storage down) does not.
      if (!(error instanceof InvalidCredentials)) await attempt.giveBack();
      throw error;
    }
    await attempt.giveBack();

    const sessionId = ids.newId();
    const pair = await issueTokenPair(this.deps, user, sessionId);
    const now = clock.now();
    await unitOfWork.transaction(async () => {
      await sessions.add(
        Session.start({
          id: sessionId,
          userId: user.id,
          refreshTokenId: pair.refreshTokenId,
          now,
          expiresAt: pair.refreshExpiresAt,
        }),
      );
      await users.recordLogin(user.id, now);
    });
    return pair;
  }

  /** A real hash of a random value, made once, so that unknown users cost one verification too. */
  private hashOfNothing(): Promise<string> {
    this.dummyHash ??= this.deps.hasher.hash(this.deps.ids.newId());
    return this.dummyHash;
  }
}
