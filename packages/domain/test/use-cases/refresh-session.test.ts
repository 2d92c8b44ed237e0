import { beforeEach, describe, expect, it } from "vitest";
import {
  DeactivateUser,
  InvalidToken,
  LogOut,
  RefreshSession,
  SetPassword,
  type TokenPair,
  type User,
} from "../../src/index.ts";
import {
  aSession,
  aStoredUser,
  type FakePorts,
  fakePorts,
  InMemorySessionRepository,
  logIn,
  minutes,
  REFRESH_TOKEN_TTL_MS,
} from "../../src/testing/index.ts";

let ports: FakePorts;
let alice: User;
let login: TokenPair;

beforeEach(async () => {
  ports = fakePorts();
  alice = await aStoredUser(ports, { username: "alice" });
  login = await logIn(ports, "alice");
});

const refresh = (token: string, refreshSession = new RefreshSession(ports)) =>
  refreshSession.execute({ refresh: token });

async function refused(promise: Promise<unknown>): Promise<InvalidToken> {
  const error = await promise.catch((caught: unknown) => caught);
  if (!(error instanceof InvalidToken)) throw new Error(`expected InvalidToken, got ${String(error)}`);
  return error;
}

async function sessionOf(token: string) {
  const { sessionId } = await ports.tokens.verifyRefreshToken(token);
  return ports.sessions.findById(sessionId);
}

describe("RefreshSession", () => {
  it("spends the refresh token for a new pair of the same session, sliding its expiry", async () => {
    ports.clock.advance(minutes(30));

    const next = await refresh(login.refresh);

    const session = await sessionOf(next.refresh);
    expect(session?.id).toBe((await sessionOf(login.refresh))?.id);
    expect(session).toMatchObject({ refreshTokenId: next.refreshTokenId, rotatedFrom: login.refreshTokenId });
    expect(session?.expiresAt).toEqual(new Date(ports.clock.now().getTime() + REFRESH_TOKEN_TTL_MS));
    expect(next.access).not.toBe(login.access);
    expect((await ports.tokens.verifyAccessToken(next.access)).userId).toBe(alice.id);
  });

  it("keeps rotating from the newest token", async () => {
    const second = await refresh(login.refresh);
    const third = await refresh(second.refresh);

    expect((await sessionOf(third.refresh))?.refreshTokenId).toBe(third.refreshTokenId);
  });

  it("treats a spent token presented again as theft: refuses it and revokes the session", async () => {
    const next = await refresh(login.refresh);

    const error = await refused(refresh(login.refresh));

    expect(error.reason).toBe("refresh token reused: session revoked");
    expect((await sessionOf(login.refresh))?.revokedAt).toEqual(ports.clock.now());
    expect((await refused(refresh(next.refresh))).reason).toBe("session revoked or expired");
  });

  it("lets only one of two concurrent refreshes with the same token win, and counts the loser as reuse", async () => {
    const outcomes = await Promise.allSettled([refresh(login.refresh), refresh(login.refresh)]);

    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(ports.sessions.replaceAttempts.map((attempt) => attempt.written)).toEqual([true, false]);
    const loser = outcomes.find((outcome) => outcome.status === "rejected");
    expect((loser as PromiseRejectedResult).reason).toBeInstanceOf(InvalidToken);
    const winner = outcomes.find((outcome) => outcome.status === "fulfilled") as PromiseFulfilledResult<TokenPair>;
    expect((await sessionOf(login.refresh))?.revokedAt).not.toBeNull();
    await refused(refresh(winner.value.refresh));
  });

  it("gives up quietly when the session vanished while it was being rotated", async () => {
    class DeletedDuringRotation extends InMemorySessionRepository {
      override async replaceIfCurrent(session: Parameters<InMemorySessionRepository["replaceIfCurrent"]>[0]) {
        this.deleteForUser(session.userId);
        return false;
      }
    }
    const sessions = new DeletedDuringRotation();
    await sessions.add((await sessionOf(login.refresh)) ?? aSession());

    const error = await refused(refresh(login.refresh, new RefreshSession({ ...ports, sessions })));

    expect(error.reason).toBe("refresh token reused: session revoked");
    expect(sessions.all()).toEqual([]);
  });

  it("refuses a refresh after logout", async () => {
    await new LogOut(ports).execute({ refresh: login.refresh });

    expect((await refused(refresh(login.refresh))).reason).toBe("session revoked or expired");
  });

  it("refuses a session that has expired even if its token has not", async () => {
    const session = aSession({ userId: alice.id, expiresAt: new Date(ports.clock.now().getTime() + minutes(1)) });
    await ports.sessions.add(session);
    const token = await ports.tokens.issueRefreshToken({
      userId: alice.id,
      sessionId: session.id,
      tokenId: session.refreshTokenId,
      tokenVersion: alice.tokenVersion,
    });
    ports.clock.advance(minutes(1));

    expect((await refused(refresh(token.token))).reason).toBe("session revoked or expired");
  });

  it("refuses and revokes the session of a user deactivated since", async () => {
    await new DeactivateUser(ports).execute({ username: "alice" });

    expect((await refused(refresh(login.refresh))).reason).toBe("user inactive, deleted or credentials changed");
    expect((await sessionOf(login.refresh))?.revokedAt).not.toBeNull();
  });

  it("refuses and revokes the session of a user whose password changed since", async () => {
    await new SetPassword(ports).execute({ username: "alice", password: "a brand new secret" });

    expect((await refused(refresh(login.refresh))).reason).toBe("user inactive, deleted or credentials changed");
    expect((await sessionOf(login.refresh))?.revokedAt).not.toBeNull();
  });

  it("refuses a token of a deleted user, whose sessions went with them", async () => {
    await ports.users.delete(alice.id);

    expect((await refused(refresh(login.refresh))).reason).toBe("unknown session");
  });

  it("refuses a token whose session outlived its user", async () => {
    const session = aSession({ expiresAt: new Date(ports.clock.now().getTime() + minutes(60)) });
    await ports.sessions.add(session);
    const token = await ports.tokens.issueRefreshToken({
      userId: session.userId,
      sessionId: session.id,
      tokenId: session.refreshTokenId,
      tokenVersion: 0,
    });

    expect((await refused(refresh(token.token))).reason).toBe("user inactive, deleted or credentials changed");
  });

  it("refuses a token that names another user's session, and leaves that session alone", async () => {
    const bob = await aStoredUser(ports, { username: "bob" });
    const alicesSession = await sessionOf(login.refresh);
    const forged = await ports.tokens.issueRefreshToken({
      userId: bob.id,
      sessionId: alicesSession?.id ?? "",
      tokenId: "some-other-token",
      tokenVersion: bob.tokenVersion,
    });

    expect((await refused(refresh(forged.token))).reason).toBe("unknown session");
    expect(await sessionOf(login.refresh)).toBe(alicesSession);
  });

  it("refuses a token for a session that does not exist", async () => {
    const token = await ports.tokens.issueRefreshToken({
      userId: alice.id,
      sessionId: "no-such-session",
      tokenId: "t",
      tokenVersion: 0,
    });

    expect((await refused(refresh(token.token))).reason).toBe("unknown session");
  });

  it("refuses an access token in place of a refresh token", async () => {
    await refused(refresh(login.access));
  });
});
