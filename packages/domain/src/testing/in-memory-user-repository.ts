import {
  canonicalUsername,
  DEFAULT_USER_ORDERING,
  type PageRequest,
  User,
  type UserFilter,
  UsernameTaken,
  type UserOrdering,
  type UserPage,
  type UserProfileChanges,
  type UserRepository,
} from "../index.ts";
import type { InMemoryHistoryRepository } from "./in-memory-history-repository.ts";
import type { InMemorySessionRepository } from "./in-memory-session-repository.ts";
import type { InMemoryTaskRepository } from "./in-memory-task-repository.ts";
import { compareIds, compareUsers } from "./task-order.ts";
import { Table, type Transactional, WriteLog } from "./write-log.ts";

/**
 * Deleting a user also deletes their tasks and sessions, as the port promises (a cascade in
 * SQL), and keeps their history entries without them.
 */
export interface UserCascade {
  readonly tasks?: InMemoryTaskRepository;
  readonly sessions?: InMemorySessionRepository;
  readonly history?: InMemoryHistoryRepository;
}

export class InMemoryUserRepository implements UserRepository, Transactional {
  private readonly table = new Table<User>();
  private readonly log: WriteLog;
  private readonly cascade: UserCascade;

  constructor(log: WriteLog = new WriteLog(), cascade: UserCascade = {}) {
    this.log = log;
    this.cascade = cascade;
  }

  snapshot(): () => void {
    return this.table.snapshot();
  }

  async add(user: User): Promise<void> {
    if (this.table.rows.has(user.id)) throw new Error(`duplicate user id ${user.id}`);
    if (this.find(user.username)) throw new UsernameTaken(user.username);
    this.table.rows.set(user.id, user);
    this.log.record("users", "add", user.id);
  }

  async findById(id: string): Promise<User | null> {
    return this.table.rows.get(id) ?? null;
  }

  async findByUsername(username: string): Promise<User | null> {
    return this.find(username);
  }

  async recordLogin(id: string, at: Date): Promise<void> {
    this.change(id, (user) => user.recordLogin(at));
  }

  async changePassword(id: string, passwordHash: string): Promise<User | null> {
    return this.change(id, (user) => user.withPassword(passwordHash));
  }

  async deactivate(id: string): Promise<User | null> {
    return this.change(id, (user) => user.deactivate());
  }

  async activate(id: string): Promise<User | null> {
    return this.change(id, (user) => user.activate());
  }

  async delete(id: string): Promise<boolean> {
    if (!this.table.rows.delete(id)) return false;
    this.cascade.tasks?.deleteOwnedBy(id);
    this.cascade.sessions?.deleteForUser(id);
    this.cascade.history?.forgetUser(id);
    this.log.record("users", "delete", id);
    return true;
  }

  async updateProfile(id: string, changes: UserProfileChanges): Promise<User | null> {
    if (!this.table.rows.has(id)) return null;
    const { username } = changes;
    const other = username === undefined ? null : this.find(username);
    if (username !== undefined && other !== null && other.id !== id) throw new UsernameTaken(username);
    const given = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    return this.change(id, (user) => User.rehydrate({ ...user, ...given }));
  }

  async list(
    request: PageRequest,
    filter: UserFilter = {},
    ordering: UserOrdering = DEFAULT_USER_ORDERING,
  ): Promise<UserPage> {
    const search = filter.search?.toLowerCase();
    const matching = [...this.table.rows.values()]
      .filter(
        (user) =>
          (filter.isStaff === undefined || user.isStaff === filter.isStaff) &&
          (filter.isActive === undefined || user.isActive === filter.isActive) &&
          (search === undefined ||
            user.username.toLowerCase().includes(search) ||
            user.email.toLowerCase().includes(search)),
      )
      .sort(compareUsers(ordering));
    const start = (request.page - 1) * request.pageSize;
    return { items: matching.slice(start, start + request.pageSize), count: matching.length };
  }

  async lockByIds(ids: readonly string[]): Promise<User[]> {
    return (await this.findByIds([...new Set(ids)])).sort((a, b) => compareIds(a.id, b.id));
  }

  async findByIds(ids: readonly string[]): Promise<User[]> {
    return ids.flatMap((id) => this.table.rows.get(id) ?? []);
  }

  async count(): Promise<number> {
    return this.table.rows.size;
  }

  /**
   * Applies `change` to the user as stored now, like the targeted SQL UPDATE it fakes: a
   * row that is gone stays gone, and no column is written back from an older read.
   */
  private change(id: string, change: (user: User) => User): User | null {
    const stored = this.table.rows.get(id);
    if (stored === undefined) return null;
    const changed = change(stored);
    if (changed !== stored) {
      this.table.rows.set(id, changed);
      this.log.record("users", "update", id);
    }
    return changed;
  }

  private find(username: string): User | null {
    const wanted = canonicalUsername(username);
    for (const user of this.table.rows.values()) if (canonicalUsername(user.username) === wanted) return user;
    return null;
  }
}
