import { InvalidToken } from "../errors.ts";
import type { Clock } from "../ports/clock.ts";
import type { SessionRepository } from "../ports/session-repository.ts";
import type { TokenService } from "../ports/token-service.ts";
import { checkTokenLogin } from "./resolve-caller.ts";

type Deps = { sessions: SessionRepository; tokens: TokenService; clock: Clock };

/** simplejwt's verify: is this token (access or refresh) valid, and its login alive? `InvalidToken` if not. */
export class VerifyToken {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: { token: string }): Promise<void> {
    const { tokens } = this.deps;
    const claims = await tokens.verifyAccessToken(input.token).catch((error: unknown) => {
      if (!(error instanceof InvalidToken)) throw error;
      return tokens.verifyRefreshToken(input.token);
    });
    await checkTokenLogin(claims, this.deps);
  }
}
