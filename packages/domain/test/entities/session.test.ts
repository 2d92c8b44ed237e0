import { describe, expect, it } from "vitest";
import { Session } from "../../src/index.ts";
import { aSession, minutes, START } from "../../src/testing/index.ts";

const at = (offset: number) => new Date(START.getTime() + offset);

describe("Session", () => {
  it("starts with its first refresh token, unrotated and unrevoked", () => {
    const session = Session.start({
      id: "s1",
      userId: "u1",
      refreshTokenId: "r1",
      now: START,
      expiresAt: at(minutes(60)),
    });

    expect({ ...session }).toEqual({
      id: "s1",
      userId: "u1",
      refreshTokenId: "r1",
      rotatedFrom: null,
      createdAt: START,
      expiresAt: at(minutes(60)),
      revokedAt: null,
    });
  });

  it("is usable until the instant it expires, and not from then on", () => {
    const session = aSession({ expiresAt: at(minutes(60)) });

    expect(session.isUsable(at(minutes(60) - 1))).toBe(true);
    expect(session.isUsable(at(minutes(60)))).toBe(false);
  });

  it("is not usable once revoked, even before it expires", () => {
    expect(
      aSession({ expiresAt: at(minutes(60)) })
        .revoke(START)
        .isUsable(START),
    ).toBe(false);
  });

  it("knows which refresh token is the current one", () => {
    const session = aSession({ refreshTokenId: "r1" });

    expect(session.isCurrent("r1")).toBe(true);
    expect(session.isCurrent("r0")).toBe(false);
  });

  it("on rotation makes the new token current and remembers the one it replaced", () => {
    const session = aSession({ refreshTokenId: "r1" });
    const rotated = session.rotate("r2", at(minutes(120)));

    expect(rotated).toMatchObject({ id: session.id, userId: session.userId, refreshTokenId: "r2", rotatedFrom: "r1" });
    expect(rotated.expiresAt).toEqual(at(minutes(120)));
    expect(rotated.createdAt).toEqual(session.createdAt);
    expect(rotated.isCurrent("r1")).toBe(false);
    expect(session.refreshTokenId).toBe("r1");
  });

  it("keeps the instant of its first revocation", () => {
    const revoked = aSession().revoke(at(1));

    expect(revoked.revokedAt).toEqual(at(1));
    expect(revoked.revoke(at(2))).toBe(revoked);
  });
});
