import { clientAddressGroup } from "../entities/login-attempt-keys.ts";
import type { User } from "../entities/user.ts";
import type { LoginThrottle } from "../ports/login-throttle.ts";
import type { CreateUser } from "./create-user.ts";

type Deps = { createUser: CreateUser; throttle: LoginThrottle };

/**
 * Self-service sign-up (REGISTRATION=open): an ordinary, active user. Every attempt counts
 * against the client's address with the failed-login throttle's limits, taken or not, so
 * that one client cannot make accounts by the thousand.
 */
export class Register {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async execute(input: { username: string; password: string; email?: string; clientAddress: string }): Promise<User> {
    await this.deps.throttle.reserve([`register:${clientAddressGroup(input.clientAddress)}`]);
    return this.deps.createUser.execute({ username: input.username, password: input.password, email: input.email });
  }
}
