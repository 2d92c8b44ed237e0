import {
  AuthorizeAccessToken,
  type Clock,
  CreateTask,
  DeleteTask,
  GetTask,
  type IdGenerator,
  ListTasks,
  LogIn,
  type LoginThrottle,
  LogOut,
  type PasswordHasher,
  RefreshSession,
  ReplaceTask,
  UpdateTask,
} from "@tasks/domain";
import type { Database } from "@tasks/persistence";
import { type Config, SystemClock, UuidV7IdGenerator } from "@tasks/platform";
import {
  Argon2PasswordHasher,
  defaultTokenSettings,
  JwtTokenService,
  MemoryLoginThrottle,
  RedisLoginThrottle,
  type TokenSettings,
} from "@tasks/security";
import type { FastifyBaseLogger } from "fastify";
import type { Redis } from "ioredis";
import type { AppDependencies } from "./app.ts";

export interface ContainerInput {
  readonly config: Config;
  readonly database: Database;
  /** The resolved JWT secret (JWT_SECRET, or the development secret kept in DATA_DIR). */
  readonly jwtSecret: string;
  readonly redis?: Redis | undefined;
  readonly logger?: FastifyBaseLogger | undefined;
  /** Tests pass cheap argon2 parameters; the server uses the OWASP ones. */
  readonly hasher?: PasswordHasher;
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
}

export interface Dependencies extends AppDependencies {
  /** The settings of the one JwtTokenService: tests sign tokens the app accepts (or, forged, refuses) with them. */
  readonly tokenSettings: TokenSettings;
}

/** The composition root: configuration and adapters in, the app's dependencies out. */
export function createDependencies(input: ContainerInput): Dependencies {
  const { config, database } = input;
  const clock = input.clock ?? new SystemClock();
  const ids = input.ids ?? new UuidV7IdGenerator();
  const hasher = input.hasher ?? new Argon2PasswordHasher();
  const tokenSettings = defaultTokenSettings(input.jwtSecret, {
    issuer: config.jwtIssuer,
    audience: config.jwtAudience,
    accessTokenTtlSeconds: config.accessTokenTtlSeconds,
    refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
  });
  const tokens = new JwtTokenService(tokenSettings, clock);
  const throttleSettings = { maxFailures: config.loginMaxFailures, windowSeconds: config.loginFailureWindowSeconds };
  // Shared through Redis by every server process when there is one; otherwise this process's own.
  const throttle: LoginThrottle = input.redis
    ? new RedisLoginThrottle(input.redis, throttleSettings)
    : new MemoryLoginThrottle(throttleSettings, clock);
  const { users, tasks, sessions, unitOfWork } = database;
  return {
    config,
    tokenSettings,
    database,
    logger: input.logger,
    useCases: {
      authorizeAccessToken: new AuthorizeAccessToken({ users, tokens }),
      logIn: new LogIn({ users, sessions, hasher, tokens, throttle, clock, ids, unitOfWork }),
      refreshSession: new RefreshSession({ users, sessions, tokens, clock, ids }),
      logOut: new LogOut({ sessions, tokens, clock }),
      listTasks: new ListTasks({ tasks }),
      getTask: new GetTask({ tasks }),
      createTask: new CreateTask({ tasks, clock, ids }),
      updateTask: new UpdateTask({ tasks, clock }),
      replaceTask: new ReplaceTask({ tasks, clock }),
      deleteTask: new DeleteTask({ tasks }),
    },
  };
}
