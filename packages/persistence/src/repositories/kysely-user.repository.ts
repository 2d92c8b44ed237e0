import {
  canonicalUsername,
  DEFAULT_USER_ORDERING,
  type PageRequest,
  User,
  type UserFilter,
  UsernameTaken,
  type UserOrdering,
  type UserOrderingField,
  type UserPage,
  type UserProfileChanges,
  type UserRepository,
} from "@tasks/domain";
import { type Expression, sql } from "kysely";
import { isUniqueViolation, isUuid, translateErrors } from "../errors.ts";
import { containsPattern } from "./like-pattern.ts";
import { COLUMNS, parseTimestamp, type QuerySource, type Row } from "./query-source.ts";

const USERNAME_UNIQUE_INDEX = "users_username_key_unique";

// Collations named rather than left to the database's default, which a server may set to
// a language's order ("é" before "f", not after as by code point) or to C, whose lower()
// and ILIKE fold ASCII letters only: under ICU's root locale, lower() and ILIKE fold case
// as JavaScript's toLowerCase() does, and "C" orders code point by code point.
const icu = (column: "username" | "email") => sql<string>`${sql.ref(column)} collate "und-x-icu"`;

/**
 * What each ordering field sorts by: text under "C", code point by code point, whatever the
 * database's default collation; false before true; nulls last ascending, first descending
 * (PostgreSQL's defaults, which the port's order is).
 */
const ORDER_KEYS: Record<UserOrderingField, Expression<unknown> | keyof Row<"users">> = {
  username: sql`${sql.ref("username_key")} collate "C"`,
  email: sql`lower(${icu("email")}) collate "C"`,
  is_staff: "is_staff",
  is_active: "is_active",
  date_joined: "date_joined",
  last_login: "last_login",
};

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
        throw usernameTakenOr(error, user.username);
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

  updateProfile(id: string, changes: UserProfileChanges): Promise<User | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    const { username, email, isStaff, isSuperuser } = changes;
    // Kysely leaves out a column whose value is undefined: only the given fields are written.
    const values = {
      username,
      username_key: username === undefined ? undefined : canonicalUsername(username),
      email,
      is_staff: isStaff,
      is_superuser: isSuperuser,
    };
    if (Object.values(values).every((value) => value === undefined)) return this.findById(id);
    return translateErrors(async () => {
      try {
        const row = await this.#db()
          .updateTable("users")
          .set(values)
          .where("id", "=", id)
          .returning(COLUMNS.users)
          .executeTakeFirst();
        return row === undefined ? null : toUser(row);
      } catch (error) {
        throw usernameTakenOr(error, username);
      }
    });
  }

  list(
    request: PageRequest,
    filter: UserFilter = {},
    ordering: UserOrdering = DEFAULT_USER_ORDERING,
  ): Promise<UserPage> {
    return translateErrors(async () => {
      let matching = this.#db().selectFrom("users");
      if (filter.isStaff !== undefined) matching = matching.where("is_staff", "=", filter.isStaff);
      if (filter.isActive !== undefined) matching = matching.where("is_active", "=", filter.isActive);
      if (filter.search !== undefined && filter.search !== "") {
        const pattern = containsPattern(filter.search);
        matching = matching.where((eb) =>
          eb.or([eb(icu("username"), "ilike", pattern), eb(icu("email"), "ilike", pattern)]),
        );
      }
      // One after the other: the operator's lists run in taskctl, which closes the pool when
      // a query fails, and pg-pool keeps a connection that was still opening for the other open.
      const counted = await matching.select((eb) => eb.fn.countAll().as("count")).executeTakeFirstOrThrow();
      let page = matching.select(COLUMNS.users);
      for (const term of ordering) page = page.orderBy(ORDER_KEYS[term.field], term.direction);
      const rows = await page
        .orderBy("id", ordering.at(-1)?.direction ?? "desc")
        .limit(request.pageSize)
        .offset((request.page - 1) * request.pageSize)
        .execute();
      return { items: rows.map(toUser), count: Number(counted.count) };
    });
  }

  lockByIds(ids: readonly string[]): Promise<User[]> {
    const valid = [...new Set(ids.filter(isUuid))];
    if (valid.length === 0) return Promise.resolve([]);
    return translateErrors(async () => {
      const rows = await this.#db()
        .selectFrom("users")
        .select(COLUMNS.users)
        .where("id", "in", valid)
        .orderBy("id")
        .forUpdate()
        .execute();
      return rows.map(toUser);
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

function usernameTakenOr(error: unknown, username: string | undefined): unknown {
  return username !== undefined && isUniqueViolation(error, USERNAME_UNIQUE_INDEX)
    ? new UsernameTaken(username)
    : error;
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
