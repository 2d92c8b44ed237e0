import { Session } from "../entities/session.ts";
import { InvalidCredentials } from "../errors.ts";
import type { Clock } from "../ports/clock.ts";
import type { IdGenerator } from "../ports/id-generator.ts";
import type { PasswordHasher } from "../ports/password-hasher.ts";
import type { SessionRepository } from "../ports/session-repository.ts";
import type { TokenService } from "../ports/token-service.ts";
import type { UnitOfWork } from "../ports/unit-of-work.ts";
import type { UserRepository } from "../ports/user-repository.ts";
import { issueTokenPair, type TokenPair } from "./token-pair.ts";

export interface AuthenticateInput {
  readonly username: string;
  readonly password: string;
}

type Deps = {
  users: UserRepository;
  sessions: SessionRepository;
  hasher: PasswordHasher;
  tokens: TokenService;
  clock: Clock;
  ids: IdGenerator;
  unitOfWork: UnitOfWork;
};

/**
 * Login: checks the password, starts a Session and issues its first token pair. An
 * unknown user costs the same hashing work as a known one, and an unknown user, an
 * inactive user and a wrong password all fail with the same error.
 */
export class Authenticate {
  private dummyHash: Promise<string> | undefined;

  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: AuthenticateInput): Promise<TokenPair> {
    const { users, sessions, hasher, clock, ids, unitOfWork } = this.deps;
    const user = await users.findByUsername(input.username);
    const passwordMatches = await hasher.verify(user?.passwordHash ?? (await this.hashOfNothing()), input.password);
    if (!user || !passwordMatches || !user.isActive) throw new InvalidCredentials();

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
      await users.update(user.recordLogin(now));
    });
    return pair;
  }

  /** A real hash of a random value, made once, so that unknown users cost one verification too. */
  private hashOfNothing(): Promise<string> {
    this.dummyHash ??= this.deps.hasher.hash(this.deps.ids.newId());
    return this.dummyHash;
  }
}
