import type { Session, SessionRepository } from "../index.ts";
import { Table, type Transactional, WriteLog } from "./write-log.ts";

export class InMemorySessionRepository implements SessionRepository, Transactional {
  /** Every compare-and-set attempt and whether it wrote. */
  readonly replaceAttempts: Array<{ sessionId: string; expectedRefreshTokenId: string; written: boolean }> = [];
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
    this.table.rows.set(session.id, session);
    this.log.record("sessions", "add", session.id);
  }

  async findById(id: string): Promise<Session | null> {
    return this.table.rows.get(id) ?? null;
  }

  async replaceIfCurrent(session: Session, expectedRefreshTokenId: string): Promise<boolean> {
    const stored = this.table.rows.get(session.id);
    const written = stored?.refreshTokenId === expectedRefreshTokenId && stored.revokedAt === null;
    if (written) {
      this.table.rows.set(session.id, session);
      this.log.record("sessions", "update", session.id);
    }
    this.replaceAttempts.push({ sessionId: session.id, expectedRefreshTokenId, written });
    return written;
  }

  async update(session: Session): Promise<void> {
    if (!this.table.rows.has(session.id)) return;
    this.table.rows.set(session.id, session);
    this.log.record("sessions", "update", session.id);
  }

  /** The cascade of a user's deletion. */
  deleteForUser(userId: string): void {
    for (const session of this.table.rows.values()) if (session.userId === userId) this.table.rows.delete(session.id);
  }

  all(): Session[] {
    return [...this.table.rows.values()];
  }
}
