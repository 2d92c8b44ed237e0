import type { SessionState } from "../entities/session.ts";
import type { User } from "../entities/user.ts";
import { InvalidSession, InvalidToken } from "../errors.ts";
import type { Clock } from "../ports/clock.ts";
import type { SessionKeys } from "../ports/session-keys.ts";
import type { SessionRepository, SessionStateWithUser } from "../ports/session-repository.ts";
import type { TokenClaims, TokenService } from "../ports/token-service.ts";

/** Who makes a request, and through which login. */
export interface Caller {
  readonly user: User;
  readonly session: SessionState;
}

/** A request's credential: an access token (`Authorization: Bearer`), or the key of a `sessionid` cookie. */
export type Credential = { readonly accessToken: string } | { readonly sessionKey: string };

type Deps = { sessions: SessionRepository; tokens: TokenService; keys: SessionKeys; clock: Clock };

/**
 * The guard's one question: whose request is this? One look-up reads the login and its
 * user together, so a login that was logged out or revoked, and a user who was deleted,
 * deactivated or given a new password since, are refused at the very next request.
 * `lastUsedAt` moves at most once a minute.
 */
export class ResolveCaller {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(credential: Credential): Promise<Caller> {
    const { sessions, clock } = this.deps;
    const caller =
      "accessToken" in credential
        ? checkTokenLogin(await this.deps.tokens.verifyAccessToken(credential.accessToken), this.deps)
        : checkCookieLogin(credential.sessionKey, this.deps);
    const { session } = await caller;
    const now = clock.now();
    if (session.isDueForUse(now)) await sessions.recordUse(session.id, now);
    return caller;
  }
}

/** The live token login the verified `claims` speak for, with its user; `InvalidToken` otherwise. */
export async function checkTokenLogin(
  claims: TokenClaims,
  deps: { sessions: SessionRepository; clock: Clock },
): Promise<SessionStateWithUser> {
  const found = await deps.sessions.findStateWithUser({ id: claims.sessionId });
  if (!found || found.session.userId !== claims.userId || found.session.kind !== "token")
    throw new InvalidToken("unknown login");
  const problem = whyNotLive(found, deps.clock.now(), claims.tokenVersion);
  if (problem !== null) throw new InvalidToken(problem);
  return found;
}

async function checkCookieLogin(
  key: string,
  deps: { sessions: SessionRepository; keys: SessionKeys; clock: Clock },
): Promise<SessionStateWithUser> {
  const found = await deps.sessions.findStateWithUser({ keyHash: deps.keys.hash(key) });
  if (found?.session.kind !== "cookie") throw new InvalidSession("unknown session key");
  const problem = whyNotLive(found, deps.clock.now(), null);
  if (problem !== null) throw new InvalidSession(problem);
  return found;
}

function whyNotLive({ session, user }: SessionStateWithUser, now: Date, claimedVersion: number | null): string | null {
  if (!session.isLive(now)) return "login revoked, expired or ended";
  if (!user.isActive) return "user inactive";
  if (!session.isCurrentFor(user.tokenVersion, claimedVersion)) return "credentials changed since the login";
  return null;
}
