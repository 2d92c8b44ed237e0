import { type ClientInfo, Session, type SessionKind } from "../entities/session.ts";
import type { User } from "../entities/user.ts";
import { InvalidCredentials, UserGone } from "../errors.ts";
import type { Clock } from "../ports/clock.ts";
import type { IdGenerator } from "../ports/id-generator.ts";
import type { SecurityEvents } from "../ports/security-events.ts";
import type { SessionKeys } from "../ports/session-keys.ts";
import type { SessionRepository } from "../ports/session-repository.ts";
import type { TokenService } from "../ports/token-service.ts";
import type { UnitOfWork } from "../ports/unit-of-work.ts";
import type { UserRepository } from "../ports/user-repository.ts";
import type { LoginSettings } from "./login-settings.ts";
import type { PasswordCheck } from "./password-check.ts";
import { issueTokenPair, type TokenPair } from "./token-pair.ts";

export interface LogInInput {
  readonly username: string;
  readonly password: string;
  /** A token login (bearer tokens) or a cookie login (a browser's session). */
  readonly kind: SessionKind;
  /** Where the login comes from: the address also keys the failed-login throttle. */
  readonly client: ClientInfo & { readonly address: string };
  /**
   * Only a staff user may log in (the web admin): anyone else is refused exactly like a
   * wrong password, after the password is checked, and counts as a failed login.
   */
  readonly staffOnly?: boolean;
}

export type LogInResult =
  | { readonly kind: "token"; readonly user: User; readonly session: Session; readonly pair: TokenPair }
  | { readonly kind: "cookie"; readonly user: User; readonly session: Session; readonly key: string };

type Deps = {
  passwords: PasswordCheck;
  users: UserRepository;
  sessions: SessionRepository;
  tokens: TokenService;
  keys: SessionKeys;
  clock: Clock;
  ids: IdGenerator;
  unitOfWork: UnitOfWork;
  settings: LoginSettings;
  events: SecurityEvents;
};

/**
 * A login: checks the password (`PasswordCheck`: throttled, same error for every
 * refusal, a user who is not staff refused too when `staffOnly`), then starts a Session of the kind asked for, recording the last login in the
 * same transaction. A token login answers its first pair; a cookie login answers the key
 * of its cookie, of which storage keeps only the hash.
 */
export class LogIn {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: LogInInput): Promise<LogInResult> {
    const { passwords, users, sessions, tokens, keys, clock, ids, unitOfWork, settings, events } = this.deps;
    const user = await passwords.check({ ...input, clientAddress: input.client.address });
    const now = clock.now();
    const start = {
      id: ids.newId(),
      userId: user.id,
      tokenVersion: user.tokenVersion,
      now,
      endsAt: new Date(now.getTime() + settings.maxAgeMs),
      client: input.client,
    };
    // A user deleted while their password was checked is refused as after the deletion and
    // recorded as a failed login, but not counted by the throttle: the password was right.
    const store = (session: Session) =>
      unitOfWork
        .transaction(async () => {
          await sessions.add(session);
          await users.recordLogin(user.id, now);
        })
        .catch((error: unknown) => {
          if (!(error instanceof UserGone)) throw error;
          events.record({ event: "login_failed", username: input.username, clientAddress: input.client.address });
          throw new InvalidCredentials();
        });

    if (input.kind === "cookie") {
      const key = keys.newKey();
      const session = Session.startWithCookie({
        ...start,
        keyHash: keys.hash(key),
        expiresAt: new Date(now.getTime() + settings.sessionTtlMs),
      });
      await store(session);
      return { kind: "cookie", user, session, key };
    }
    const pairIds = { accessTokenId: ids.newId(), refreshTokenId: ids.newId() };
    const { refreshExpiresAt, ...pair } = await issueTokenPair(
      { tokens, clock },
      { userId: user.id, sessionId: start.id, tokenVersion: user.tokenVersion, endsAt: start.endsAt },
      { ...pairIds, issuedAt: now },
    );
    const session = Session.startWithTokens({ ...start, pair: pairIds, expiresAt: refreshExpiresAt });
    await store(session);
    return { kind: "token", user, session, pair };
  }
}
