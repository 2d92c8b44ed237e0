import { beforeEach, describe, expect, it } from "vitest";
import {
  ActivateUser,
  AuthorizeAccessToken,
  DeactivateUser,
  DeleteUser,
  InvalidToken,
  SetPassword,
  type TokenPair,
  type User,
} from "../../src/index.ts";
import { aStoredUser, type FakePorts, fakePorts, logIn } from "../../src/testing/index.ts";

let ports: FakePorts;
let alice: User;
let login: TokenPair;

beforeEach(async () => {
  ports = fakePorts();
  alice = await aStoredUser(ports, { username: "alice" });
  login = await logIn(ports, "alice");
});

async function refusal(token: string): Promise<string> {
  const error = await new AuthorizeAccessToken(ports).execute({ token }).catch((caught: unknown) => caught);
  if (!(error instanceof InvalidToken)) throw new Error(`expected InvalidToken, got ${String(error)}`);
  return error.reason;
}

describe("AuthorizeAccessToken", () => {
  it("gives the user a valid access token speaks for", async () => {
    expect((await new AuthorizeAccessToken(ports).execute({ token: login.access })).id).toBe(alice.id);
  });

  it("refuses the token of a deleted user", async () => {
    await new DeleteUser(ports).execute({ username: "alice" });

    expect(await refusal(login.access)).toBe("user deleted");
  });

  it("refuses the token of a deactivated user", async () => {
    await new DeactivateUser(ports).execute({ username: "alice" });

    expect(await refusal(login.access)).toBe("user inactive");
  });

  it("still refuses it after the user is activated again", async () => {
    await new DeactivateUser(ports).execute({ username: "alice" });
    await new ActivateUser(ports).execute({ username: "alice" });

    expect(await refusal(login.access)).toBe("tokens revoked since issued");
  });

  it("refuses a token issued before the password changed, and accepts one issued after", async () => {
    await new SetPassword(ports).execute({ username: "alice", password: "a brand new secret" });

    expect(await refusal(login.access)).toBe("tokens revoked since issued");
    const fresh = await logIn(ports, "alice", "a brand new secret");
    expect((await new AuthorizeAccessToken(ports).execute({ token: fresh.access })).id).toBe(alice.id);
  });

  it("refuses a refresh token in place of an access token", async () => {
    await expect(new AuthorizeAccessToken(ports).execute({ token: login.refresh })).rejects.toThrow(InvalidToken);
  });
});
