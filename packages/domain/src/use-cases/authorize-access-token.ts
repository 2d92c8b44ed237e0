import type { User } from "../entities/user.ts";
import { InvalidToken } from "../errors.ts";
import type { TokenService } from "../ports/token-service.ts";
import type { UserRepository } from "../ports/user-repository.ts";

type Deps = { users: UserRepository; tokens: TokenService };

/**
 * What a request guard needs: the user an access token speaks for, if that token is
 * valid and the user may still use it (exists, is active, and has not had their tokens
 * revoked since). Costs one user look-up by primary key.
 */
export class AuthorizeAccessToken {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: { token: string }): Promise<User> {
    const claims = await this.deps.tokens.verifyAccessToken(input.token);
    const user = await this.deps.users.findById(claims.userId);
    if (!user) throw new InvalidToken("user deleted");
    if (!user.isActive) throw new InvalidToken("user inactive");
    if (user.tokenVersion !== claims.tokenVersion) throw new InvalidToken("tokens revoked since issued");
    return user;
  }
}
