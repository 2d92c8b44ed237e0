import type { SessionRepository } from "../index.ts";
import { anId, aSession, aUser } from "./builders.ts";
import type { ContractTestApi } from "./contract-test-api.ts";
import type { StorageUnderTest } from "./user-repository-contract.ts";

const NOT_AN_ID = "not-an-id";

/** What every `SessionRepository` must do, whatever it stores in. */
export function sessionRepositoryContract(t: ContractTestApi, open: () => Promise<StorageUnderTest>): void {
  const { it, beforeAll, expect } = t;
  let storage: StorageUnderTest;
  let sessions: SessionRepository;

  beforeAll(async () => {
    storage = await open();
    sessions = storage.sessions;
  });

  /** A session of a stored user. */
  async function stored(overrides: Parameters<typeof aSession>[0] = {}) {
    const user = aUser();
    await storage.users.add(user);
    const session = aSession({ userId: user.id, ...overrides });
    await sessions.add(session);
    return session;
  }

  it("stores a session and finds it by id with every field", async () => {
    const session = await stored({ rotatedFrom: anId(), revokedAt: new Date("2025-03-05T00:00:00.007Z") });
    expect(await sessions.findById(session.id)).toEqual(session);
    expect(await sessions.findById(anId())).toBeNull();
    expect(await sessions.findById(NOT_AN_ID)).toBeNull();
  });

  it("rotates only from the current refresh token of a session that is not revoked", async () => {
    const session = await stored();
    const rotated = session.rotate(anId(), new Date("2025-03-20T00:00:00.000Z"));
    expect(await sessions.replaceIfCurrent(rotated, session.refreshTokenId)).toBe(true);
    expect(await sessions.findById(session.id)).toEqual(rotated);
    // The spent token cannot rotate again.
    const replay = session.rotate(anId(), new Date("2025-03-21T00:00:00.000Z"));
    expect(await sessions.replaceIfCurrent(replay, session.refreshTokenId)).toBe(false);
    expect(await sessions.replaceIfCurrent(replay, NOT_AN_ID)).toBe(false);
    expect(await sessions.findById(session.id)).toEqual(rotated);
    // Nor can the current one, once the session is revoked.
    const revoked = rotated.revoke(new Date("2025-03-10T00:00:00.000Z"));
    await sessions.update(revoked);
    expect(await sessions.findById(session.id)).toEqual(revoked);
    const afterRevoke = rotated.rotate(anId(), new Date("2025-03-22T00:00:00.000Z"));
    expect(await sessions.replaceIfCurrent(afterRevoke, rotated.refreshTokenId)).toBe(false);
    expect(await sessions.findById(session.id)).toEqual(revoked);
  });

  it("lets exactly one of many concurrent rotations from the same token win", async () => {
    const session = await stored();
    const contenders = Array.from({ length: 6 }, () => session.rotate(anId(), session.expiresAt));
    // Each rotation keeps its transaction open a while after writing (reading the row back),
    // so that the others really wait on the same row instead of running one after the other.
    const outcomes = await Promise.all(
      contenders.map((rotated) =>
        storage.unitOfWork.transaction(async () => {
          const won = await sessions.replaceIfCurrent(rotated, session.refreshTokenId);
          for (let read = 0; read < 3; read++) await sessions.findById(session.id);
          return won;
        }),
      ),
    );
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    const winner = contenders[outcomes.indexOf(true)];
    expect((await sessions.findById(session.id))?.refreshTokenId).toBe(winner?.refreshTokenId);
  });
}
