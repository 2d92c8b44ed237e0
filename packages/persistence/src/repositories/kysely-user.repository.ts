import {
  canonicalUsername,
  type PageRequest,
  User,
  UsernameTaken,
  type UserPage,
  type UserRepository,
} from "@tasks/domain";
import { isUniqueViolation, isUuid, translateErrors } from "../errors.ts";
import { COLUMNS, parseTimestamp, type QuerySource, type Row } from "./query-source.ts";

const USERNAME_UNIQUE_INDEX = "users_username_key_unique";

export class KyselyUserRepository implements UserRepository {
  readonly #db: QuerySource;

  constructor(db: QuerySource) {
    this.#db = db;
  }

  add(user: User): Promise<void> {
    return translateErrors(async () => {
      try {
        await this.#db().insertInto("users").values(toRow(user)).execute();
      } catch (error) {
        throw usernameTakenOr(error, user);
      }
    });
  }

  findById(id: string): Promise<User | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return translateErrors(async () => {
      const row = await this.#db().selectFrom("users").select(COLUMNS.users).where("id", "=", id).executeTakeFirst();
      return row === undefined ? null : toUser(row);
    });
  }

  findByUsername(username: string): Promise<User | null> {
    return translateErrors(async () => {
      const row = await this.#db()
        .selectFrom("users")
        .select(COLUMNS.users)
        .where("username_key", "=", canonicalUsername(username))
        .executeTakeFirst();
      return row === undefined ? null : toUser(row);
    });
  }

  recordLogin(id: string, at: Date): Promise<void> {
    if (!isUuid(id)) return Promise.resolve();
    return translateErrors(async () => {
      await this.#db().updateTable("users").set({ last_login: at }).where("id", "=", id).execute();
    });
  }

  changePassword(id: string, passwordHash: string): Promise<User | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return translateErrors(async () => {
      const row = await this.#db()
        .updateTable("users")
        .set((eb) => ({ password_hash: passwordHash, token_version: eb("token_version", "+", 1) }))
        .where("id", "=", id)
        .returning(COLUMNS.users)
        .executeTakeFirst();
      return row === undefined ? null : toUser(row);
    });
  }

  deactivate(id: string): Promise<User | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return translateErrors(async () => {
      // One statement: the row is re-read under its lock, so a concurrent change is not lost.
      const row = await this.#db()
        .updateTable("users")
        .set((eb) => ({
          is_active: false,
          token_version: eb
            .case()
            .when("is_active", "=", true)
            .then(eb("token_version", "+", 1))
            .else(eb.ref("token_version"))
            .end(),
        }))
        .where("id", "=", id)
        .returning(COLUMNS.users)
        .executeTakeFirst();
      return row === undefined ? null : toUser(row);
    });
  }

  activate(id: string): Promise<User | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return translateErrors(async () => {
      const row = await this.#db()
        .updateTable("users")
        .set({ is_active: true })
        .where("id", "=", id)
        .returning(COLUMNS.users)
        .executeTakeFirst();
      return row === undefined ? null : toUser(row);
    });
  }

  delete(id: string): Promise<boolean> {
    if (!isUuid(id)) return Promise.resolve(false);
    // The database deletes the user's tasks and sessions with it (ON DELETE CASCADE).
    return translateErrors(async () => {
      const result = await this.#db().deleteFrom("users").where("id", "=", id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }

  list(request: PageRequest): Promise<UserPage> {
    return translateErrors(async () => {
      // One after the other: the operator's lists run in taskctl, which closes the pool when
      // a query fails, and pg-pool keeps a connection that was still opening for the other open.
      const count = await this.count();
      const rows = await this.#db()
        .selectFrom("users")
        .select(COLUMNS.users)
        .orderBy("date_joined")
        .orderBy("id")
        .limit(request.pageSize)
        .offset((request.page - 1) * request.pageSize)
        .execute();
      return { items: rows.map(toUser), count };
    });
  }

  findByIds(ids: readonly string[]): Promise<User[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return Promise.resolve([]);
    return translateErrors(async () => {
      const rows = await this.#db().selectFrom("users").select(COLUMNS.users).where("id", "in", valid).execute();
      return rows.map(toUser);
    });
  }

  count(): Promise<number> {
    return translateErrors(async () => {
      const { count } = await this.#db()
        .selectFrom("users")
        .select((eb) => eb.fn.countAll().as("count"))
        .executeTakeFirstOrThrow();
      return Number(count);
    });
  }
}

function usernameTakenOr(error: unknown, user: User): unknown {
  return isUniqueViolation(error, USERNAME_UNIQUE_INDEX) ? new UsernameTaken(user.username) : error;
}

function toRow(user: User): Row<"users"> {
  return {
    id: user.id,
    username: user.username,
    username_key: canonicalUsername(user.username),
    email: user.email,
    password_hash: user.passwordHash,
    is_staff: user.isStaff,
    is_superuser: user.isSuperuser,
    is_active: user.isActive,
    date_joined: user.dateJoined,
    last_login: user.lastLogin,
    token_version: user.tokenVersion,
  };
}

/** A users row as the domain's User; the session repository reads users joined to logins too. */
export function toUser(row: Row<"users">): User {
  return User.rehydrate({
    id: row.id,
    username: row.username,
    email: row.email,
    passwordHash: row.password_hash,
    isStaff: row.is_staff,
    isSuperuser: row.is_superuser,
    isActive: row.is_active,
    dateJoined: parseTimestamp(row.date_joined),
    lastLogin: row.last_login === null ? null : parseTimestamp(row.last_login),
    tokenVersion: row.token_version,
  });
}
