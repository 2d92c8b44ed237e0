import { describe, expect, it } from "vitest";
import { LAST_USED_RESOLUTION_MS, Session } from "../../src/index.ts";
import { aSession, minutes, START } from "../../src/testing/index.ts";

const at = (offset: number) => new Date(START.getTime() + offset);
const CLIENT = { address: "192.0.2.1", userAgent: "test-agent/1.0" };
const start = { id: "s1", userId: "u1", tokenVersion: 2, now: START, client: CLIENT };

describe("Session", () => {
  it("starts a token login with its first pair, unrotated and unrevoked", () => {
    const session = Session.startWithTokens({
      ...start,
      pair: { refreshTokenId: "r1", accessTokenId: "a1" },
      expiresAt: at(minutes(60)),
      endsAt: at(minutes(600)),
    });

    expect({ ...session }).toEqual({
      id: "s1",
      userId: "u1",
      kind: "token",
      refreshTokenId: "r1",
      accessTokenId: "a1",
      issuedAt: START,
      rotatedFrom: null,
      keyHash: null,
      tokenVersion: 2,
      createdAt: START,
      lastUsedAt: START,
      expiresAt: at(minutes(60)),
      endsAt: at(minutes(600)),
      ipAddress: "192.0.2.1",
      userAgent: "test-agent/1.0",
      revokedAt: null,
      revocationReason: null,
    });
  });

  it("starts a cookie login that keeps the hash of its key and no token", () => {
    const session = Session.startWithCookie({
      ...start,
      keyHash: "h",
      expiresAt: at(minutes(60)),
      endsAt: at(minutes(600)),
    });

    expect(session).toMatchObject({ kind: "cookie", keyHash: "h", refreshTokenId: null, accessTokenId: null });
    expect(session.currentPair()).toBeNull();
  });

  it("never lets a credential outlive the login", () => {
    const session = Session.startWithCookie({
      ...start,
      keyHash: "h",
      expiresAt: at(minutes(90)),
      endsAt: at(minutes(60)),
    });

    expect(session.expiresAt).toEqual(at(minutes(60)));
    const rotated = aSession({ endsAt: at(minutes(60)) }).rotate({
      pair: { refreshTokenId: "r2", accessTokenId: "a2", expiresAt: at(minutes(120)) },
      now: at(minutes(30)),
      tokenVersion: 0,
    });
    expect(rotated.expiresAt).toEqual(at(minutes(60)));
  });

  it("is live until its credential expires, or the login ends, whichever comes first", () => {
    const session = aSession({ expiresAt: at(minutes(60)), endsAt: at(minutes(90)) });
    expect(session.isLive(at(minutes(60) - 1))).toBe(true);
    expect(session.isLive(at(minutes(60)))).toBe(false);

    const ending = aSession({ expiresAt: at(minutes(60)), endsAt: at(minutes(30)) });
    expect(ending.isLive(at(minutes(30) - 1))).toBe(true);
    expect(ending.isLive(at(minutes(30)))).toBe(false);
  });

  it("is not live once revoked, and keeps the instant and reason of its first revocation", () => {
    const revoked = aSession().revoke(START, "logout");
    expect(revoked.isLive(START)).toBe(false);
    expect(revoked.revoke(at(1), "admin")).toBe(revoked);
    expect(revoked).toMatchObject({ revokedAt: START, revocationReason: "logout" });
  });

  it("is valid only under the token version it was made under", () => {
    expect(aSession({ tokenVersion: 3 }).isCurrentFor(3)).toBe(true);
    expect(aSession({ tokenVersion: 3 }).isCurrentFor(4)).toBe(false);
  });

  it("judges a login from before versions were recorded by the version its token carries", () => {
    const older = aSession({ tokenVersion: null });
    expect(older.isCurrentFor(3, 3)).toBe(true);
    expect(older.isCurrentFor(3, 2)).toBe(false);
    expect(older.isCurrentFor(3)).toBe(false);
  });

  describe("judging a refresh token", () => {
    const rotated = aSession({ refreshTokenId: "r1", issuedAt: START }).rotate({
      pair: { refreshTokenId: "r2", accessTokenId: "a2", expiresAt: at(minutes(60)) },
      now: at(1_000),
      tokenVersion: 0,
    });

    it("takes the current token for a rotation", () => {
      expect(rotated.judgeRefresh("r2", at(2_000), 10_000)).toBe("current");
    });

    it("takes the token it replaced, within the window after the rotation, for a replay", () => {
      expect(rotated.judgeRefresh("r1", at(1_000), 10_000)).toBe("replayed");
      expect(rotated.judgeRefresh("r1", at(11_000), 10_000)).toBe("replayed");
    });

    it("takes the token it replaced, after the window, for a reuse", () => {
      expect(rotated.judgeRefresh("r1", at(11_001), 10_000)).toBe("reused");
    });

    it("takes any older token, or one it never had, for a reuse", () => {
      const again = rotated.rotate({
        pair: { refreshTokenId: "r3", accessTokenId: "a3", expiresAt: at(minutes(60)) },
        now: at(2_000),
        tokenVersion: 0,
      });
      expect(again.judgeRefresh("r1", at(2_000), 10_000)).toBe("reused");
      expect(again.judgeRefresh("r2", at(2_000), 10_000)).toBe("replayed");
      expect(again.judgeRefresh("never", at(2_000), 10_000)).toBe("reused");
    });

    it("answers the current pair to issue again", () => {
      expect(rotated.currentPair()).toEqual({
        refreshTokenId: "r2",
        accessTokenId: "a2",
        issuedAt: at(1_000),
        expiresAt: at(minutes(60)),
      });
    });
  });

  it("on rotation makes the new pair current, remembers the token it replaced, and adopts the version", () => {
    const session = aSession({ refreshTokenId: "r1", tokenVersion: null, expiresAt: at(minutes(60)) });

    const rotated = session.rotate({
      pair: { refreshTokenId: "r2", accessTokenId: "a2", expiresAt: at(minutes(120)) },
      now: at(minutes(30)),
      tokenVersion: 4,
    });

    expect(rotated).toMatchObject({
      refreshTokenId: "r2",
      accessTokenId: "a2",
      rotatedFrom: "r1",
      issuedAt: at(minutes(30)),
      lastUsedAt: at(minutes(30)),
      expiresAt: at(minutes(120)),
      tokenVersion: 4,
      createdAt: START,
    });
  });

  it("is due for a new last use at most once a minute", () => {
    const session = aSession({ lastUsedAt: START });
    expect(session.isDueForUse(at(LAST_USED_RESOLUTION_MS - 1))).toBe(false);
    expect(session.isDueForUse(at(LAST_USED_RESOLUTION_MS))).toBe(true);
  });
});
