import { beforeEach, describe, expect, it } from "vitest";
import { InvalidToken, LogOut, type TokenPair } from "../../src/index.ts";
import { aStoredUser, type FakePorts, fakePorts, logIn, minutes } from "../../src/testing/index.ts";

let ports: FakePorts;
let login: TokenPair;

beforeEach(async () => {
  ports = fakePorts();
  await aStoredUser(ports, { username: "alice" });
  login = await logIn(ports, "alice");
});

const sessionOf = async (token: string) =>
  ports.sessions.findById((await ports.tokens.verifyRefreshToken(token)).sessionId);

describe("LogOut", () => {
  it("revokes the login the refresh token belongs to, saying so in a security event", async () => {
    await new LogOut(ports).execute({ refresh: login.refresh });

    const session = await sessionOf(login.refresh);
    expect(session).toMatchObject({ revokedAt: ports.clock.now(), revocationReason: "logout" });
    expect(ports.events.recorded).toEqual([
      { event: "login_revoked", userId: session?.userId, sessionId: session?.id, by: "logout" },
    ]);
  });

  it("keeps the first revocation time when logging out twice", async () => {
    const revokedAt = ports.clock.now();
    await new LogOut(ports).execute({ refresh: login.refresh });
    ports.clock.advance(minutes(1));

    await new LogOut(ports).execute({ refresh: login.refresh });

    expect((await sessionOf(login.refresh))?.revokedAt).toEqual(revokedAt);
  });

  it("leaves alone a session that belongs to another user than the token's", async () => {
    const session = await sessionOf(login.refresh);
    const forged = await ports.tokens.issueRefreshToken(
      { userId: "mallory-id", sessionId: session?.id ?? "", tokenId: "t", tokenVersion: 0 },
      { issuedAt: ports.clock.now(), notAfter: new Date(ports.clock.now().getTime() + minutes(60)) },
    );

    await new LogOut(ports).execute({ refresh: forged.token });

    expect(await sessionOf(login.refresh)).toBe(session);
  });

  it("does nothing for a session that no longer exists", async () => {
    const token = await ports.tokens.issueRefreshToken(
      { userId: "u", sessionId: "gone", tokenId: "t", tokenVersion: 0 },
      { issuedAt: ports.clock.now(), notAfter: new Date(ports.clock.now().getTime() + minutes(60)) },
    );

    await expect(new LogOut(ports).execute({ refresh: token.token })).resolves.toBeUndefined();
    expect(
      ports.log.records.filter((record) => record.repository === "sessions" && record.operation === "update"),
    ).toEqual([]);
  });

  it("refuses an invalid refresh token", async () => {
    await expect(new LogOut(ports).execute({ refresh: login.access })).rejects.toThrow(InvalidToken);
    expect((await sessionOf(login.refresh))?.revokedAt).toBeNull();
  });
});
