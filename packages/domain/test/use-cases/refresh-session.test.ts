import { beforeEach, describe, expect, it } from "vitest";
import {
  DeactivateUser,
  InvalidToken,
  LogOut,
  RefreshSession,
  type Session,
  SetPassword,
  type TokenPair,
  type User,
} from "../../src/index.ts";
import {
  aSession,
  aStoredUser,
  FAKE_LOGIN_SETTINGS,
  type FakePorts,
  fakePorts,
  InMemorySessionRepository,
  logIn,
  minutes,
  REFRESH_TOKEN_TTL_MS,
} from "../../src/testing/index.ts";

const WINDOW = FAKE_LOGIN_SETTINGS.reuseWindowMs;

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

async function sessionOf(token: string): Promise<Session | null> {
  const { sessionId } = await ports.tokens.verifyRefreshToken(token);
  return ports.sessions.findById(sessionId);
}

describe("RefreshSession", () => {
  it("spends the refresh token for a new pair of the same login, sliding its expiry", async () => {
    ports.clock.advance(minutes(30));
    const before = await sessionOf(login.refresh);

    const next = await refresh(login.refresh);

    const session = await sessionOf(next.refresh);
    const refreshClaims = await ports.tokens.verifyRefreshToken(next.refresh);
    expect(session?.id).toBe(before?.id);
    expect(session).toMatchObject({
      refreshTokenId: refreshClaims.tokenId,
      rotatedFrom: before?.refreshTokenId,
      issuedAt: ports.clock.now(),
      lastUsedAt: ports.clock.now(),
      expiresAt: new Date(ports.clock.now().getTime() + REFRESH_TOKEN_TTL_MS),
    });
    expect(next.access).not.toBe(login.access);
    expect((await ports.tokens.verifyAccessToken(next.access)).userId).toBe(alice.id);
  });

  it("keeps rotating from the newest token", async () => {
    ports.clock.advance(WINDOW + 1);
    const second = await refresh(login.refresh);
    ports.clock.advance(WINDOW + 1);
    const third = await refresh(second.refresh);
    expect((await sessionOf(third.refresh))?.rotatedFrom).toBe(
      (await ports.tokens.verifyRefreshToken(second.refresh)).tokenId,
    );
  });

  it("never extends a login past its end, however often it is refreshed", async () => {
    const end = (await sessionOf(login.refresh))?.endsAt as Date;
    let pair = login;
    for (let day = 0; day < 35; day += 5) {
      ports.clock.advance(minutes(5 * 24 * 60));
      if (ports.clock.now().getTime() >= end.getTime()) break;
      pair = await refresh(pair.refresh);
      expect((await sessionOf(pair.refresh))?.expiresAt.getTime()).toBeLessThanOrEqual(end.getTime());
    }
    ports.clock.advance(minutes(5 * 24 * 60));
    await refused(refresh(pair.refresh));
  });

  describe("a spent token presented again", () => {
    it("within the reuse window gets exactly the pair its first use got, and the login stays alive", async () => {
      const first = await refresh(login.refresh);
      ports.clock.advance(WINDOW);

      const again = await refresh(login.refresh);

      expect(again.access).toBe(first.access);
      expect(again.refresh).toBe(first.refresh);
      expect((await sessionOf(first.refresh))?.revokedAt).toBeNull();
      await expect(refresh(first.refresh)).resolves.toMatchObject({ tokenType: "Bearer" });
    });

    it("after the reuse window is taken as theft: refused, and the whole login revoked", async () => {
      const first = await refresh(login.refresh);
      ports.clock.advance(WINDOW + 1);

      const error = await refused(refresh(login.refresh));

      expect(error.reason).toBe("refresh token reused: login revoked");
      expect(await sessionOf(first.refresh)).toMatchObject({ revocationReason: "refresh_reuse" });
      await refused(refresh(first.refresh));
      expect(ports.events.recorded).toEqual([
        { event: "refresh_reuse_detected", userId: alice.id, sessionId: (await sessionOf(first.refresh))?.id },
        expect.objectContaining({ event: "login_revoked", by: "refresh_reuse" }),
      ]);
    });

    it("older than the one last replaced is theft even within the window", async () => {
      const second = await refresh(login.refresh);
      await refresh(second.refresh);

      await refused(refresh(login.refresh));
    });
  });

  it("gives two concurrent refreshes with the same token the same pair, and keeps the login alive", async () => {
    const [one, two] = await Promise.all([refresh(login.refresh), refresh(login.refresh)]);

    expect(one).toEqual(two);
    expect(ports.sessions.replaceAttempts.map((attempt) => attempt.written).sort()).toEqual([false, true]);
    expect((await sessionOf(one.refresh))?.revokedAt).toBeNull();
  });

  it("revokes the login when a concurrent refresh lost and the window has passed meanwhile", async () => {
    class SlowReplace extends InMemorySessionRepository {
      override async replaceIfCurrent(session: Session, expected: string): Promise<boolean> {
        // Another request spends the token first, and the window passes, while this one writes.
        await super.replaceIfCurrent(
          session.rotate({
            pair: { refreshTokenId: "elsewhere", accessTokenId: "elsewhere-access", expiresAt: session.expiresAt },
            now: ports.clock.now(),
            tokenVersion: session.tokenVersion ?? 0,
          }),
          expected,
        );
        ports.clock.advance(WINDOW + 1);
        return super.replaceIfCurrent(session, expected);
      }
    }
    const sessions = new SlowReplace(ports.log);
    sessions.users = ports.users;
    for (const session of ports.sessions.all()) await sessions.add(session);

    await refused(refresh(login.refresh, new RefreshSession({ ...ports, sessions })));

    expect(sessions.all()[0]).toMatchObject({ revocationReason: "refresh_reuse" });
  });

  it("refuses a refresh after logout", async () => {
    await new LogOut(ports).execute({ refresh: login.refresh });
    await refused(refresh(login.refresh));
  });

  it("refuses a login whose refresh token expired", async () => {
    ports.clock.advance(REFRESH_TOKEN_TTL_MS);
    await refused(refresh(login.refresh));
  });

  it("refuses the login of a user deactivated since", async () => {
    await new DeactivateUser(ports).execute({ username: "alice" });
    await refused(refresh(login.refresh));
  });

  it("refuses the login of a user whose password changed since", async () => {
    await new SetPassword(ports).execute({ username: "alice", password: "a brand new secret" });
    const error = await refused(refresh(login.refresh));
    expect(error.reason).toBe("login revoked, expired or ended");
  });

  it("refuses a login that was not revoked but was made under an older token version", async () => {
    const session = await sessionOf(login.refresh);
    await ports.users.changePassword(alice.id, "another-hash");

    const error = await refused(refresh(login.refresh));

    expect(error.reason).toBe("user inactive, or credentials changed since the login");
    expect((await ports.sessions.findById(session?.id ?? ""))?.revokedAt).toBeNull();
  });

  it("adopts the user's version for a login from before versions were recorded, when its token matches", async () => {
    const session = await sessionOf(login.refresh);
    await ports.sessions.keepValidUnder(session?.id ?? "", 0);
    const older = aSession({ ...session, tokenVersion: null });
    const sessions = new InMemorySessionRepository(ports.log);
    sessions.users = ports.users;
    await sessions.add(older);

    const next = await refresh(login.refresh, new RefreshSession({ ...ports, sessions }));

    expect((await sessions.findById(older.id))?.tokenVersion).toBe(alice.tokenVersion);
    expect(next.tokenType).toBe("Bearer");
  });

  it("refuses a token of a deleted user, whose logins went with them", async () => {
    await ports.users.delete(alice.id);
    await refused(refresh(login.refresh));
  });

  it("refuses a token that names another user's login, and leaves that login alone", async () => {
    const bob = await aStoredUser(ports, { username: "bob" });
    const bobs = aSession({ userId: bob.id });
    await ports.sessions.add(bobs);
    const forged = await ports.tokens.issueRefreshToken(
      { userId: alice.id, sessionId: bobs.id, tokenId: bobs.refreshTokenId as string, tokenVersion: 0 },
      { issuedAt: ports.clock.now(), notAfter: bobs.endsAt },
    );

    const error = await refused(refresh(forged.token));

    expect(error.reason).toBe("unknown login");
    expect(await ports.sessions.findById(bobs.id)).toEqual(bobs);
  });

  it("refuses a token of a cookie login, and of a login that does not exist", async () => {
    const cookie = aSession({ userId: alice.id, kind: "cookie", keyHash: "h" });
    await ports.sessions.add(cookie);
    for (const sessionId of [cookie.id, "no-such-login"]) {
      const token = await ports.tokens.issueRefreshToken(
        { userId: alice.id, sessionId, tokenId: "t", tokenVersion: 0 },
        { issuedAt: ports.clock.now(), notAfter: cookie.endsAt },
      );
      expect((await refused(refresh(token.token))).reason).toBe("unknown login");
    }
  });

  it("refuses an access token in place of a refresh token", async () => {
    await refused(refresh(login.access));
  });
});
