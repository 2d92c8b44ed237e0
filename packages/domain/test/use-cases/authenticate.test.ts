import { beforeEach, describe, expect, it } from "vitest";
import { Authenticate, InvalidCredentials, type User } from "../../src/index.ts";
import { aStoredUser, GOOD_PASSWORD } from "../builders.ts";
import {
  ACCESS_TOKEN_TTL_MS,
  type FakePorts,
  fakePorts,
  InMemoryUserRepository,
  REFRESH_TOKEN_TTL_MS,
} from "../fakes/index.ts";

let ports: FakePorts;
let alice: User;

beforeEach(async () => {
  ports = fakePorts();
  alice = await aStoredUser(ports, { username: "alice", tokenVersion: 4 });
});

async function failedLogin(username: string, password: string, authenticate = new Authenticate(ports)) {
  const error = await authenticate.execute({ username, password }).catch((caught: unknown) => caught);
  if (!(error instanceof InvalidCredentials)) throw new Error(`expected InvalidCredentials, got ${String(error)}`);
  return error;
}

describe("Authenticate", () => {
  it("issues a Bearer pair whose tokens speak for the user, their session and their token version", async () => {
    const pair = await new Authenticate(ports).execute({ username: "alice", password: GOOD_PASSWORD });

    const access = await ports.tokens.verifyAccessToken(pair.access);
    const refresh = await ports.tokens.verifyRefreshToken(pair.refresh);
    expect(pair.tokenType).toBe("Bearer");
    expect(pair.expiresIn).toBe(ACCESS_TOKEN_TTL_MS / 1000);
    expect(access).toMatchObject({ userId: alice.id, tokenVersion: 4 });
    expect(refresh).toMatchObject({ userId: alice.id, tokenVersion: 4, sessionId: access.sessionId });
    expect(refresh.tokenId).toBe(pair.refreshTokenId);
    expect(access.tokenId).not.toBe(refresh.tokenId);
  });

  it("starts a session that records the refresh token's id and expiry", async () => {
    const now = ports.clock.now();
    const pair = await new Authenticate(ports).execute({ username: "alice", password: GOOD_PASSWORD });

    const { sessionId } = await ports.tokens.verifyRefreshToken(pair.refresh);
    const session = await ports.sessions.findById(sessionId);
    expect({ ...session }).toEqual({
      id: sessionId,
      userId: alice.id,
      refreshTokenId: pair.refreshTokenId,
      rotatedFrom: null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + REFRESH_TOKEN_TTL_MS),
      revokedAt: null,
    });
    expect(pair.refreshExpiresAt).toEqual(session?.expiresAt);
  });

  it("records the last login", async () => {
    await new Authenticate(ports).execute({ username: "alice", password: GOOD_PASSWORD });

    expect((await ports.users.findById(alice.id))?.lastLogin).toEqual(ports.clock.now());
  });

  it("writes the session and the last login in one transaction", async () => {
    await new Authenticate(ports).execute({ username: "alice", password: GOOD_PASSWORD });

    const writes = ports.log.records.filter((record) => record.transaction !== null);
    expect(writes.map(({ repository, operation }) => `${repository}.${operation}`)).toEqual([
      "sessions.add",
      "users.update",
    ]);
    expect(new Set(writes.map((record) => record.transaction))).toEqual(new Set([1]));
    expect(ports.unitOfWork.transactions).toEqual([{ number: 1, outcome: "committed" }]);
  });

  it("keeps no session when the last login cannot be recorded", async () => {
    class BrokenUpdate extends InMemoryUserRepository {
      override async update(): Promise<void> {
        throw new Error("connection lost");
      }
    }
    const users = new BrokenUpdate(ports.log);
    await users.add(alice);
    const authenticate = new Authenticate({ ...ports, users });

    await expect(authenticate.execute({ username: "alice", password: GOOD_PASSWORD })).rejects.toThrow(
      "connection lost",
    );
    expect(ports.sessions.all()).toEqual([]);
    expect(ports.unitOfWork.transactions).toEqual([{ number: 1, outcome: "rolled back" }]);
  });

  it("finds the user whatever the case of the username", async () => {
    await expect(
      new Authenticate(ports).execute({ username: "ALICE", password: GOOD_PASSWORD }),
    ).resolves.toMatchObject({ tokenType: "Bearer" });
  });

  it("refuses a wrong password and writes nothing", async () => {
    await failedLogin("alice", "not the password");

    expect(ports.sessions.all()).toEqual([]);
    expect(ports.tokens.issued).toEqual([]);
    expect((await ports.users.findById(alice.id))?.lastLogin).toBeNull();
  });

  it("refuses an inactive user even with the right password, after checking it like any other", async () => {
    await aStoredUser(ports, { username: "carol", isActive: false });

    await failedLogin("carol", GOOD_PASSWORD);

    expect(ports.hasher.callsOf("verify")).toEqual([
      expect.objectContaining({ password: GOOD_PASSWORD, result: true }),
    ]);
    expect(ports.sessions.all()).toEqual([]);
  });

  it("costs an unknown user exactly one verification against a real hash", async () => {
    await failedLogin("nobody", GOOD_PASSWORD);

    const verifications = ports.hasher.callsOf("verify");
    expect(verifications).toHaveLength(1);
    expect(ports.hasher.made(verifications[0]?.hash ?? "")).toBe(true);
    expect(verifications[0]?.hash).not.toBe(alice.passwordHash);
  });

  it("makes the hash it verifies unknown users against only once", async () => {
    const authenticate = new Authenticate(ports);
    const hashesBefore = ports.hasher.callsOf("hash").length;

    await failedLogin("nobody", "x", authenticate);
    await failedLogin("nobody-else", "y", authenticate);

    expect(ports.hasher.callsOf("hash")).toHaveLength(hashesBefore + 1);
    expect(ports.hasher.callsOf("verify")).toHaveLength(2);
  });

  it("gives a wrong password, an unknown user and an inactive user one and the same error", async () => {
    await aStoredUser(ports, { username: "carol", isActive: false });

    const errors = [
      await failedLogin("alice", "wrong password"),
      await failedLogin("nobody", GOOD_PASSWORD),
      await failedLogin("carol", GOOD_PASSWORD),
    ];

    for (const error of errors) {
      expect(error.code).toBe("INVALID_CREDENTIALS");
      expect(error.message).toBe("No active account found with the given credentials.");
    }
  });
});
