import type {
  RevocationReason,
  Session,
  SessionLookup,
  SessionRepository,
  SessionStateWithUser,
  SessionWithUser,
  UserRepository,
} from "../index.ts";
import { Session as SessionClass, SessionState, UserGone } from "../index.ts";
import { compareIds } from "./task-order.ts";
import { Table, type Transactional, WriteLog } from "./write-log.ts";

/** The port's semantics over a Map; reading a login with its user asks the user repository it is given. */
export class InMemorySessionRepository implements SessionRepository, Transactional {
  /** Every compare-and-set attempt and whether it wrote. */
  readonly replaceAttempts: Array<{ sessionId: string; expectedRefreshTokenId: string; written: boolean }> = [];
  /** Set by `fakePorts`, which makes the two repositories together. */
  users: Pick<UserRepository, "findById"> | null = null;
  private readonly table = new Table<Session>();
  private readonly log: WriteLog;

  constructor(log: WriteLog = new WriteLog()) {
    this.log = log;
  }

  snapshot(): () => void {
    return this.table.snapshot();
  }

  async add(session: Session): Promise<void> {
    if (this.table.rows.has(session.id)) throw new Error(`duplicate session id ${session.id}`);
    if (session.keyHash !== null && this.all().some((other) => other.keyHash === session.keyHash))
      throw new Error("duplicate session key");
    if (this.users !== null && (await this.users.findById(session.userId)) === null) throw new UserGone(session.userId);
    this.table.rows.set(session.id, session);
    this.log.record("sessions", "add", session.id);
  }

  async findById(id: string): Promise<Session | null> {
    return this.table.rows.get(id) ?? null;
  }

  async findWithUser(by: SessionLookup): Promise<SessionWithUser | null> {
    const session =
      "id" in by ? this.table.rows.get(by.id) : this.all().find((candidate) => candidate.keyHash === by.keyHash);
    const user = session === undefined ? null : await this.users?.findById(session.userId);
    return session === undefined || !user ? null : { session, user };
  }

  async findStateWithUser(by: SessionLookup): Promise<SessionStateWithUser | null> {
    const found = await this.findWithUser(by);
    return found === null ? null : { session: SessionState.of(found.session), user: found.user };
  }

  async replaceIfCurrent(session: Session, expectedRefreshTokenId: string): Promise<boolean> {
    const stored = this.table.rows.get(session.id);
    const written = stored?.refreshTokenId === expectedRefreshTokenId && stored.revokedAt === null;
    if (written)
      this.put(SessionClass.rehydrate({ ...session, tokenVersion: stored.tokenVersion ?? session.tokenVersion }));
    this.replaceAttempts.push({ sessionId: session.id, expectedRefreshTokenId, written });
    return written;
  }

  async revoke(id: string, reason: RevocationReason, at: Date): Promise<boolean> {
    const stored = this.table.rows.get(id);
    if (stored === undefined || stored.revokedAt !== null) return false;
    this.put(stored.revoke(at, reason));
    return true;
  }

  async revokeAllOf(userId: string, reason: RevocationReason, at: Date, except?: string): Promise<number> {
    const revoked = this.all().filter(
      (session) => session.userId === userId && session.revokedAt === null && session.id !== except,
    );
    for (const session of revoked) this.put(session.revoke(at, reason));
    return revoked.length;
  }

  async keepValidUnder(id: string, tokenVersion: number): Promise<void> {
    const stored = this.table.rows.get(id);
    if (stored !== undefined) this.put(SessionClass.rehydrate({ ...stored, tokenVersion }));
  }

  async recordUse(id: string, at: Date): Promise<void> {
    const stored = this.table.rows.get(id);
    if (stored !== undefined && stored.lastUsedAt.getTime() < at.getTime())
      this.put(SessionClass.rehydrate({ ...stored, lastUsedAt: at }));
  }

  async listLive(userId: string, now: Date): Promise<Session[]> {
    return this.all()
      .filter((session) => session.userId === userId && session.isLive(now))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || compareIds(b.id, a.id));
  }

  async deleteEnded(before: Date): Promise<number> {
    const ended = this.all().filter((session) => endedAt(session).getTime() < before.getTime());
    for (const session of ended) this.table.rows.delete(session.id);
    return ended.length;
  }

  /** The cascade of a user's deletion. */
  deleteForUser(userId: string): void {
    for (const session of this.table.rows.values()) if (session.userId === userId) this.table.rows.delete(session.id);
  }

  all(): Session[] {
    return [...this.table.rows.values()];
  }

  private put(session: Session): void {
    this.table.rows.set(session.id, session);
    this.log.record("sessions", "update", session.id);
  }
}

/** When a login ended: revoked, or its credential or the login itself ran out, whichever came first. */
export function endedAt(session: Session): Date {
  const times = [session.expiresAt, session.endsAt, ...(session.revokedAt === null ? [] : [session.revokedAt])];
  return new Date(Math.min(...times.map((time) => time.getTime())));
}
