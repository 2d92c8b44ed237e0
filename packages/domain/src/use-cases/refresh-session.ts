import { InvalidToken } from "../errors.ts";
import type { Clock } from "../ports/clock.ts";
import type { IdGenerator } from "../ports/id-generator.ts";
import type { SessionRepository } from "../ports/session-repository.ts";
import type { TokenService } from "../ports/token-service.ts";
import type { UserRepository } from "../ports/user-repository.ts";
import { issueTokenPair, type TokenPair } from "./token-pair.ts";

type Deps = {
  users: UserRepository;
  sessions: SessionRepository;
  tokens: TokenService;
  clock: Clock;
  ids: IdGenerator;
};

/**
 * Spends a refresh token for a new pair (rotation). A refresh token that was already
 * spent is treated as stolen: the whole session is revoked, so neither the thief nor
 * the owner can refresh from it again.
 */
export class RefreshSession {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: { refresh: string }): Promise<TokenPair> {
    const { users, sessions, tokens, clock } = this.deps;
    const claims = await tokens.verifyRefreshToken(input.refresh);
    const session = await sessions.findById(claims.sessionId);
    const now = clock.now();
    if (!session || session.userId !== claims.userId) throw new InvalidToken("unknown session");
    if (!session.isUsable(now)) throw new InvalidToken("session revoked or expired");
    if (!session.isCurrent(claims.tokenId)) {
      await sessions.update(session.revoke(now));
      throw new InvalidToken("refresh token reused: session revoked");
    }
    const user = await users.findById(claims.userId);
    if (!user?.isActive || user.tokenVersion !== claims.tokenVersion) {
      await sessions.update(session.revoke(now));
      throw new InvalidToken("user inactive, deleted or credentials changed");
    }

    const pair = await issueTokenPair(this.deps, user, session.id);
    const rotated = session.rotate(pair.refreshTokenId, pair.refreshExpiresAt);
    if (!(await sessions.replaceIfCurrent(rotated, claims.tokenId))) {
      // Another request spent the same token first: this one presents a spent token.
      const current = await sessions.findById(session.id);
      if (current) await sessions.update(current.revoke(now));
      throw new InvalidToken("refresh token reused: session revoked");
    }
    return pair;
  }
}
