import { Session, type SessionRepository, SessionState, type User, UserGone } from "../index.ts";
import { anId, aSession, aUser, minutes } from "./builders.ts";
import type { ContractTestApi } from "./contract-test-api.ts";
import { START } from "./fake-clock.ts";
import type { StorageUnderTest } from "./user-repository-contract.ts";

const NOT_AN_ID = "not-an-id";
const at = (minutesAfterStart: number) => new Date(START.getTime() + minutes(minutesAfterStart));

/** What every `SessionRepository` must do, whatever it stores in. */
export function sessionRepositoryContract(t: ContractTestApi, open: () => Promise<StorageUnderTest>): void {
  const { it, beforeAll, expect } = t;
  let storage: StorageUnderTest;
  let sessions: SessionRepository;

  beforeAll(async () => {
    storage = await open();
    sessions = storage.sessions;
  });

  async function storedUser(): Promise<User> {
    const user = aUser();
    await storage.users.add(user);
    return user;
  }

  /** A login of `user` (a new stored user when not given). */
  async function stored(overrides: Parameters<typeof aSession>[0] = {}, user?: User): Promise<Session> {
    const session = aSession({ userId: (user ?? (await storedUser())).id, ...overrides });
    await sessions.add(session);
    return session;
  }

  it("refuses a login of a user deleted meanwhile with UserGone, storing nothing", async () => {
    const user = await storedUser();
    await storage.users.delete(user.id);
    const session = aSession({ userId: user.id });

    const adding = sessions.add(session);
    await expect(adding).rejects.toBeInstanceOf(UserGone);
    await expect(adding).rejects.toMatchObject({ userId: user.id });
    expect(await sessions.findById(session.id)).toBeNull();
  });

  it("stores a token login and finds it by id with every field, and with its user", async () => {
    const user = await storedUser();
    const session = await stored(
      {
        rotatedFrom: anId(),
        tokenVersion: 3,
        lastUsedAt: new Date("2025-03-01T09:30:00.123Z"),
        ipAddress: "2001:db8::1",
        userAgent: "Mozilla/5.0 (X11) 🦊",
        revokedAt: new Date("2025-03-05T00:00:00.007Z"),
        revocationReason: "logout",
      },
      user,
    );
    expect(await sessions.findById(session.id)).toEqual(session);
    expect(await sessions.findWithUser({ id: session.id })).toEqual({ session, user });
    expect(await sessions.findById(anId())).toBeNull();
    expect(await sessions.findById(NOT_AN_ID)).toBeNull();
    expect(await sessions.findWithUser({ id: NOT_AN_ID })).toBeNull();
  });

  it("reads a login's state with its user, and nothing of its tokens, key or client", async () => {
    const user = await storedUser();
    const session = await stored(
      { tokenVersion: 3, lastUsedAt: new Date("2025-03-01T09:30:00.123Z"), userAgent: "Mozilla/5.0 (X11)" },
      user,
    );
    const found = await sessions.findStateWithUser({ id: session.id });
    expect(found).toEqual({ session: SessionState.of(session), user });
    expect(found?.session instanceof Session).toBe(false);
    const revoked = await stored({ revokedAt: new Date("2025-03-05T00:00:00.007Z"), revocationReason: "admin" }, user);
    expect((await sessions.findStateWithUser({ id: revoked.id }))?.session).toEqual(SessionState.of(revoked));
    expect(await sessions.findStateWithUser({ id: anId() })).toBeNull();
    expect(await sessions.findStateWithUser({ id: NOT_AN_ID })).toBeNull();
  });

  it("stores a cookie login and finds it with its user by the hash of its key", async () => {
    const user = await storedUser();
    const keyHash = `hash-${anId()}`;
    const session = await stored(
      {
        kind: "cookie",
        keyHash,
        refreshTokenId: null,
        accessTokenId: null,
        issuedAt: null,
        tokenVersion: null,
        ipAddress: null,
        userAgent: null,
      },
      user,
    );
    expect(await sessions.findWithUser({ keyHash })).toEqual({ session, user });
    expect(await sessions.findWithUser({ keyHash: `${keyHash}x` })).toBeNull();
    const found = await sessions.findStateWithUser({ keyHash });
    expect(found).toEqual({ session: SessionState.of(session), user });
    expect(found?.session instanceof Session).toBe(false);
    expect(await sessions.findStateWithUser({ keyHash: `${keyHash}x` })).toBeNull();
  });

  it("rotates only from the current refresh token of a login that is not revoked", async () => {
    const session = await stored();
    const rotate = (from: Session, minutesAfterStart: number) =>
      from.rotate({
        pair: { refreshTokenId: anId(), accessTokenId: anId(), expiresAt: at(minutesAfterStart + 60) },
        now: at(minutesAfterStart),
        tokenVersion: 0,
      });
    const rotated = rotate(session, 5);
    expect(await sessions.replaceIfCurrent(rotated, session.refreshTokenId as string)).toBe(true);
    expect(await sessions.findById(session.id)).toEqual(rotated);
    // The spent token cannot rotate again.
    const replay = rotate(session, 6);
    expect(await sessions.replaceIfCurrent(replay, session.refreshTokenId as string)).toBe(false);
    expect(await sessions.replaceIfCurrent(replay, NOT_AN_ID)).toBe(false);
    expect(await sessions.findById(session.id)).toEqual(rotated);
    // Nor can the current one, once the login is revoked.
    expect(await sessions.revoke(session.id, "logout", at(7))).toBe(true);
    expect(await sessions.replaceIfCurrent(rotate(rotated, 8), rotated.refreshTokenId as string)).toBe(false);
    expect(await sessions.findById(session.id)).toEqual(rotated.revoke(at(7), "logout"));
  });

  it("keeps the token version a password change recorded while a rotation was on its way", async () => {
    // The rotation was decided under version 0; the password change made from this login
    // (keepValidUnder) landed between that read and the write. Writing 0 back would end the
    // very login the change was made from.
    const session = await stored({ tokenVersion: 0 });
    const rotated = session.rotate({
      pair: { refreshTokenId: anId(), accessTokenId: anId(), expiresAt: at(60) },
      now: at(1),
      tokenVersion: 0,
    });
    await sessions.keepValidUnder(session.id, 1);
    expect(await sessions.replaceIfCurrent(rotated, session.refreshTokenId as string)).toBe(true);
    const found = await sessions.findById(session.id);
    expect(found?.tokenVersion).toBe(1);
    expect(found?.refreshTokenId).toBe(rotated.refreshTokenId);
    // A login from before versions were recorded adopts the rotation's.
    const unversioned = await stored({ tokenVersion: null });
    const adopted = unversioned.rotate({
      pair: { refreshTokenId: anId(), accessTokenId: anId(), expiresAt: at(60) },
      now: at(1),
      tokenVersion: 4,
    });
    expect(await sessions.replaceIfCurrent(adopted, unversioned.refreshTokenId as string)).toBe(true);
    expect(await sessions.findById(unversioned.id)).toEqual(adopted);
  });

  it("lets exactly one of many concurrent rotations from the same token win", async () => {
    const session = await stored();
    const contenders = Array.from({ length: 6 }, () =>
      session.rotate({
        pair: { refreshTokenId: anId(), accessTokenId: anId(), expiresAt: session.expiresAt },
        now: at(1),
        tokenVersion: 0,
      }),
    );
    // Each rotation keeps its transaction open a while after writing (reading the row back),
    // so that the others really wait on the same row instead of running one after the other.
    const outcomes = await Promise.all(
      contenders.map((rotated) =>
        storage.unitOfWork.transaction(async () => {
          const won = await sessions.replaceIfCurrent(rotated, session.refreshTokenId as string);
          for (let read = 0; read < 3; read++) await sessions.findById(session.id);
          return won;
        }),
      ),
    );
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    const winner = contenders[outcomes.indexOf(true)];
    expect((await sessions.findById(session.id))?.refreshTokenId).toBe(winner?.refreshTokenId);
  });

  it("revokes a login once, keeping the first reason", async () => {
    const session = await stored();
    expect(await sessions.revoke(session.id, "user", at(2))).toBe(true);
    expect(await sessions.revoke(session.id, "admin", at(3))).toBe(false);
    expect(await sessions.findById(session.id)).toEqual(session.revoke(at(2), "user"));
    expect(await sessions.revoke(anId(), "user", at(2))).toBe(false);
    expect(await sessions.revoke(NOT_AN_ID, "user", at(2))).toBe(false);
  });

  it("revokes every login of a user not yet revoked, but the one it is told to keep", async () => {
    const user = await storedUser();
    const [kept, first, second] = [await stored({}, user), await stored({}, user), await stored({}, user)];
    const earlier = await stored({ revokedAt: at(1), revocationReason: "logout" }, user);
    const someoneElses = await stored();

    expect(await sessions.revokeAllOf(user.id, "password_change", at(5), kept.id)).toBe(2);

    expect(await sessions.findById(kept.id)).toEqual(kept);
    for (const session of [first, second])
      expect(await sessions.findById(session.id)).toEqual(session.revoke(at(5), "password_change"));
    expect(await sessions.findById(earlier.id)).toEqual(earlier);
    expect(await sessions.findById(someoneElses.id)).toEqual(someoneElses);
    expect(await sessions.revokeAllOf(user.id, "admin", at(6))).toBe(1);
    expect(await sessions.revokeAllOf(NOT_AN_ID, "admin", at(6))).toBe(0);
  });

  it("keeps a login valid under a new token version", async () => {
    const session = await stored({ tokenVersion: 1 });
    await sessions.keepValidUnder(session.id, 2);
    expect(await sessions.findById(session.id)).toEqual(Session.rehydrate({ ...session, tokenVersion: 2 }));
  });

  it("records the last use of a login, never moving it back", async () => {
    const session = await stored();
    await sessions.recordUse(session.id, at(10));
    await sessions.recordUse(session.id, at(5));
    expect((await sessions.findById(session.id))?.lastUsedAt).toEqual(at(10));
    await expect(sessions.recordUse(NOT_AN_ID, at(10))).resolves.toBeUndefined();
  });

  it("lists a user's live logins, newest first", async () => {
    const user = await storedUser();
    const older = await stored({ createdAt: at(1) }, user);
    const newer = await stored({ createdAt: at(2) }, user);
    await stored({ createdAt: at(3), revokedAt: at(4), revocationReason: "logout" }, user);
    await stored({ createdAt: at(3), expiresAt: at(10) }, user);
    await stored({ createdAt: at(3), endsAt: at(10) }, user);
    await stored({ createdAt: at(5) });

    expect(await sessions.listLive(user.id, at(10))).toEqual([newer, older]);
    expect(await sessions.listLive(NOT_AN_ID, at(10))).toEqual([]);
  });

  it("deletes the logins that ended before a given instant, and only those", async () => {
    const user = await storedUser();
    const revoked = await stored({ revokedAt: at(1), revocationReason: "logout" }, user);
    const expired = await stored({ expiresAt: at(2) }, user);
    const ended = await stored({ endsAt: at(3) }, user);
    const recentlyRevoked = await stored({ revokedAt: at(20), revocationReason: "logout" }, user);
    const live = await stored({}, user);

    expect(await sessions.deleteEnded(at(10))).toBeGreaterThan(2);

    for (const gone of [revoked, expired, ended]) expect(await sessions.findById(gone.id)).toBeNull();
    for (const kept of [recentlyRevoked, live]) expect(await sessions.findById(kept.id)).toEqual(kept);
  });
}
