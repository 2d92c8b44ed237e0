import { InvalidToken } from "../errors.ts";
import type { Clock } from "../ports/clock.ts";
import type { SessionRepository } from "../ports/session-repository.ts";
import type { TokenService } from "../ports/token-service.ts";
import type { LoginSettings } from "./login-settings.ts";
import { checkTokenLogin } from "./resolve-caller.ts";

type Deps = {
  sessions: SessionRepository;
  tokens: TokenService;
  clock: Clock;
  settings: Pick<LoginSettings, "reuseWindowMs">;
};

/**
 * simplejwt's verify: is this token (access or refresh) valid, and its login alive?
 * `InvalidToken` if not. A refresh token is valid while a refresh would accept it: the
 * login's current one, or the one it replaced within the reuse window. A spent one is
 * refused (as simplejwt refuses a blacklisted one), without the revocation that presenting
 * it to refresh would bring: verifying reads, it never writes.
 */
export class VerifyToken {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: { token: string }): Promise<void> {
    const { tokens, sessions, clock, settings } = this.deps;
    const access = await tokens.verifyAccessToken(input.token).catch((error: unknown) => {
      if (!(error instanceof InvalidToken)) throw error;
      return null;
    });
    if (access !== null) {
      await checkTokenLogin(access, this.deps);
      return;
    }
    const claims = await tokens.verifyRefreshToken(input.token);
    await checkTokenLogin(claims, this.deps);
    const session = await sessions.findById(claims.sessionId);
    if (session === null) throw new InvalidToken("unknown login");
    if (session.judgeRefresh(claims.tokenId, clock.now(), settings.reuseWindowMs) === "reused")
      throw new InvalidToken("refresh token spent");
  }
}
