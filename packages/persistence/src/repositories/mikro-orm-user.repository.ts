import { UniqueConstraintViolationException } from "@mikro-orm/core";
import { raw } from "@mikro-orm/postgresql";
import { User, UsernameTaken, type UserRepository } from "@tasks/domain";
import { guard, isUuid } from "../errors.ts";
import { UserRecord } from "../records/user.record.ts";
import type { EntityManagerSource } from "./entity-manager-source.ts";

const USERNAME_UNIQUE_INDEX = "users_username_lower_unique";

export class MikroOrmUserRepository implements UserRepository {
  readonly #em: EntityManagerSource;

  constructor(em: EntityManagerSource) {
    this.#em = em;
  }

  add(user: User): Promise<void> {
    return guard(async () => {
      try {
        await this.#em().insert(UserRecord, toRecord(user));
      } catch (error) {
        throw usernameTakenOr(error, user);
      }
    });
  }

  findById(id: string): Promise<User | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return guard(async () => {
      const record = await this.#em().findOne(UserRecord, { id }, { disableIdentityMap: true });
      return record === null ? null : toUser(record);
    });
  }

  findByUsername(username: string): Promise<User | null> {
    return guard(async () => {
      // The same expression as the unique index, so the index answers; usernames are stored
      // in Unicode's NFKC form, so the one looked for is put in that form too.
      const record = await this.#em().findOne(
        UserRecord,
        { [raw((alias) => `lower(${alias}.username)`)]: raw("lower(?)", [username.normalize("NFKC")]) },
        { disableIdentityMap: true },
      );
      return record === null ? null : toUser(record);
    });
  }

  update(user: User): Promise<void> {
    return guard(async () => {
      const { id, ...fields } = toRecord(user);
      try {
        await this.#em().nativeUpdate(UserRecord, { id }, fields);
      } catch (error) {
        throw usernameTakenOr(error, user);
      }
    });
  }

  delete(id: string): Promise<boolean> {
    if (!isUuid(id)) return Promise.resolve(false);
    // The database deletes the user's tasks and sessions with it (ON DELETE CASCADE).
    return guard(async () => (await this.#em().nativeDelete(UserRecord, { id })) > 0);
  }

  list(): Promise<User[]> {
    return guard(async () => {
      const records = await this.#em().find(
        UserRecord,
        {},
        { orderBy: [{ dateJoined: "asc" }, { id: "asc" }], disableIdentityMap: true },
      );
      return records.map(toUser);
    });
  }

  count(): Promise<number> {
    return guard(() => this.#em().count(UserRecord));
  }
}

function usernameTakenOr(error: unknown, user: User): unknown {
  if (error instanceof UniqueConstraintViolationException && error.message.includes(USERNAME_UNIQUE_INDEX))
    return new UsernameTaken(user.username);
  return error;
}

function toRecord(user: User): UserRecord {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    passwordHash: user.passwordHash,
    isStaff: user.isStaff,
    isSuperuser: user.isSuperuser,
    isActive: user.isActive,
    dateJoined: user.dateJoined,
    lastLogin: user.lastLogin,
    tokenVersion: user.tokenVersion,
  };
}

function toUser(record: UserRecord): User {
  return User.rehydrate({
    id: record.id,
    username: record.username,
    email: record.email,
    passwordHash: record.passwordHash,
    isStaff: record.isStaff,
    isSuperuser: record.isSuperuser,
    isActive: record.isActive,
    dateJoined: record.dateJoined,
    lastLogin: record.lastLogin ?? null,
    tokenVersion: record.tokenVersion,
  });
}
