import { randomBytes } from "node:crypto";
import {
  type Clock,
  CreateUser,
  type PasswordHasher,
  type SessionRepository,
  type UnitOfWork,
  type User,
  type UserRepository,
} from "@tasks/domain";
import { RecordedSecurityEvents } from "@tasks/domain/testing";
import type { Database, Engine } from "@tasks/persistence";
import { openTestDatabase, type TestDatabase } from "@tasks/persistence/testing";
import { type Config, loadConfig, SystemClock, UuidV7IdGenerator } from "@tasks/platform";
import { Argon2PasswordHasher, JwtTokenService, type TokenSettings } from "@tasks/security";
import type { FastifyBaseLogger } from "fastify";
import type { Redis } from "ioredis";
import { type AppDependencies, buildApp } from "../../src/app.ts";
import { createDependencies } from "../../src/container.ts";
import type { FastifyTypeBox } from "../../src/http/fastify-typebox.ts";

/** argon2id at a fraction of the OWASP cost: tests that are not about hashing stay fast. */
export const CHEAP_HASHER_PARAMETERS = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

export const PASSWORD = "correct horse battery staple";

export interface TestUser {
  readonly user: User;
  readonly username: string;
  readonly password: string;
  readonly access: string;
  readonly refresh: string;
  /** `{ authorization: "Bearer <access>" }` */
  readonly auth: { authorization: string };
}

export interface TestApi {
  readonly app: FastifyTypeBox;
  readonly engine: Engine;
  readonly database: Database;
  readonly testDatabase: TestDatabase;
  readonly tokenSettings: TokenSettings;
  readonly clock: Clock;
  readonly hasher: PasswordHasher;
  /** What an operator's use cases (taskctl's) need, on the same database: their security events are recorded here. */
  readonly operator: OperatorPorts;
  /** A new active user (unique username), logged in through the API. */
  signUp(prefix?: string): Promise<TestUser>;
  /** Logs in through the API; throws unless it answers 200. */
  logIn(username: string, password?: string): Promise<{ access: string; refresh: string }>;
  close(): Promise<void>;
}

export interface OperatorPorts {
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly unitOfWork: UnitOfWork;
  readonly hasher: PasswordHasher;
  readonly clock: Clock;
  readonly events: RecordedSecurityEvents;
}

export interface TestApiOptions {
  readonly config?: Partial<Config>;
  readonly logger?: FastifyBaseLogger;
  readonly redis?: Redis;
  /** Replaces the system clock (with one the test moves, say). */
  readonly clock?: Clock;
  /** Replaces the cheap argon2id hasher (to count or hold its checks, say). */
  readonly hasher?: PasswordHasher;
  /** Replaces some of the real dependencies (a failing repository, say). */
  readonly adjust?: (deps: AppDependencies) => AppDependencies;
}

/**
 * The real app on a fresh migrated database of `engine`, with real signed tokens. One per
 * test file (or per describe block): opening a database is the slow part.
 */
export async function openTestApi(engine: Engine, options: TestApiOptions = {}): Promise<TestApi> {
  const testDatabase = await openTestDatabase(engine, { inMemory: true });
  const api = await testApiOn(engine, testDatabase, options);
  return {
    ...api,
    async close() {
      await api.close();
      await testDatabase.close();
    },
  };
}

/** Another app on a database a test already has open; `close()` closes the app only. */
export async function testApiOn(
  engine: Engine,
  testDatabase: TestDatabase,
  options: TestApiOptions = {},
): Promise<TestApi> {
  const { database } = testDatabase;
  const config: Config = { ...loadConfig({}), ...options.config };
  const clock = options.clock ?? new SystemClock();
  const hasher = options.hasher ?? new Argon2PasswordHasher(CHEAP_HASHER_PARAMETERS);
  const jwtSecret = randomBytes(48).toString("base64url");
  const deps = createDependencies({
    config,
    database,
    jwtSecret,
    hasher,
    clock,
    redis: options.redis,
    logger: options.logger,
  });
  const app = await buildApp(options.adjust ? options.adjust(deps) : deps);
  await app.ready();
  const createUser = new CreateUser({ users: database.users, hasher, clock, ids: new UuidV7IdGenerator() });
  let counter = 0;

  const logIn = async (username: string, password = PASSWORD) => {
    const response = await app.inject({ method: "POST", url: "/api/auth/login/", payload: { username, password } });
    if (response.statusCode !== 200)
      throw new Error(`login of ${username} answered ${response.statusCode}: ${response.body}`);
    return response.json<{ access: string; refresh: string }>();
  };

  return {
    app,
    engine,
    database,
    testDatabase,
    tokenSettings: deps.tokenSettings,
    clock,
    hasher,
    operator: {
      users: database.users,
      sessions: database.sessions,
      unitOfWork: database.unitOfWork,
      hasher,
      clock,
      events: new RecordedSecurityEvents(),
    },
    logIn,
    async signUp(prefix = "user") {
      counter += 1;
      const username = `${prefix}${counter}_${randomBytes(3).toString("hex")}`;
      const user = await createUser.execute({ username, password: PASSWORD });
      const { access, refresh } = await logIn(username);
      return { user, username, password: PASSWORD, access, refresh, auth: { authorization: `Bearer ${access}` } };
    },
    async close() {
      await app.close();
    },
  };
}

/** A token service with the app's settings and its own clock: signs tokens the app accepts (or, timed wrong, refuses). */
export function tokenServiceFor(api: TestApi, clock: Clock = api.clock): JwtTokenService {
  return new JwtTokenService(api.tokenSettings, clock);
}

/** The system's time plus however far a test has moved it. */
export class MovableClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(milliseconds: number): void {
    this.offsetMs += milliseconds;
  }
}
