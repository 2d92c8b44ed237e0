import { createHmac } from "node:crypto";
import {
  AdminAddTask,
  AdminAddUser,
  AdminChangeTask,
  AdminChangeUser,
  AdminDeleteTasks,
  AdminDeleteUsers,
  AdminGetUser,
  AdminRevokeLogins,
  AdminSetPassword,
  ChangePassword,
  type Clock,
  CreateTask,
  CreateUser,
  DeleteTask,
  EndLogin,
  GetTask,
  GetTaskWithOwner,
  type IdGenerator,
  ListAllTasks,
  ListLogins,
  ListTasks,
  ListUsers,
  LogIn,
  type LoginSettings,
  type LoginThrottle,
  LogOut,
  ObjectHistory,
  PasswordCheck,
  type PasswordHasher,
  PurgeEndedLogins,
  RecentActions,
  RefreshSession,
  Register,
  ReplaceTask,
  ResolveCaller,
  RevokeLogins,
  UpdateTask,
  VerifyToken,
} from "@tasks/domain";
import type { Database } from "@tasks/persistence";
import { type Config, SystemClock, UuidV7IdGenerator } from "@tasks/platform";
import {
  Argon2PasswordHasher,
  defaultTokenSettings,
  FallbackLoginThrottle,
  JwtTokenService,
  MemoryLoginThrottle,
  RandomSessionKeys,
  RedisLoginThrottle,
  type TokenSettings,
} from "@tasks/security";
import type { FastifyBaseLogger } from "fastify";
import type { Redis } from "ioredis";
import pino from "pino";
import type { AppDependencies } from "./app.ts";
import { logSecurityEvents } from "./http/security-events.ts";

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
  /** Run now and then by the server, so that ended logins do not pile up. */
  readonly purgeEndedLogins: PurgeEndedLogins;
}

// Security events go nowhere when the app is built without a logger (tests that do not read them).
const SILENT: FastifyBaseLogger = pino({ level: "silent" });

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
  const logger = input.logger ?? SILENT;
  // Shared through Redis by every server process when there is one, falling back to this
  // process's own counts while Redis is unreachable; otherwise this process's own.
  const local = new MemoryLoginThrottle(throttleSettings, clock);
  const throttle: LoginThrottle = input.redis
    ? new FallbackLoginThrottle(new RedisLoginThrottle(input.redis, throttleSettings), local, {
        unavailable: (reason) =>
          logger.warn({ reason }, "redis unreachable: failed logins are counted in this process until it answers"),
        recovered: () => logger.info("redis answers again: failed logins are counted in redis"),
      })
    : local;
  const { users, tasks, sessions, history, unitOfWork } = database;
  const keys = new RandomSessionKeys();
  const events = logSecurityEvents(logger);
  const settings: LoginSettings = {
    sessionTtlMs: config.sessionTtlSeconds * 1000,
    maxAgeMs: config.loginMaxAgeSeconds * 1000,
    reuseWindowMs: config.refreshReuseWindowSeconds * 1000,
  };
  const passwords = new PasswordCheck({ users, hasher, throttle, ids, events });
  return {
    config,
    tokenSettings,
    database,
    logger: input.logger,
    events,
    // Its own key, derived from the one secret there is, so that no cookie is signed with the JWT key itself.
    cookieSecret: createHmac("sha256", input.jwtSecret).update("cookie signing").digest("base64url"),
    clock,
    purgeEndedLogins: new PurgeEndedLogins({ sessions, clock }),
    useCases: {
      resolveCaller: new ResolveCaller({ sessions, tokens, keys, clock }),
      logIn: new LogIn({ passwords, users, sessions, tokens, keys, clock, ids, unitOfWork, settings, events }),
      refreshSession: new RefreshSession({ sessions, tokens, clock, ids, events, settings }),
      logOut: new LogOut({ sessions, tokens, clock, events }),
      verifyToken: new VerifyToken({ sessions, tokens, clock, settings }),
      endLogin: new EndLogin({ sessions, clock, events }),
      revokeLogins: new RevokeLogins({ sessions, clock, events }),
      listLogins: new ListLogins({ sessions, clock }),
      changePassword: new ChangePassword({ passwords, users, sessions, hasher, clock, unitOfWork, events }),
      register: config.registrationOpen
        ? new Register({ createUser: new CreateUser({ users, hasher, clock, ids }), throttle })
        : null,
      listTasks: new ListTasks({ tasks }),
      getTask: new GetTask({ tasks }),
      createTask: new CreateTask({ tasks, clock, ids }),
      updateTask: new UpdateTask({ tasks, clock }),
      replaceTask: new ReplaceTask({ tasks, clock }),
      deleteTask: new DeleteTask({ tasks }),
      listAllTasks: new ListAllTasks({ tasks, users }),
      getTaskWithOwner: new GetTaskWithOwner({ tasks, users }),
      adminAddTask: new AdminAddTask({ tasks, users, unitOfWork, history, clock, ids }),
      adminChangeTask: new AdminChangeTask({ tasks, users, unitOfWork, history, clock, ids }),
      adminDeleteTasks: new AdminDeleteTasks({ tasks, unitOfWork, history, clock, ids }),
      listUsers: new ListUsers({ users }),
      adminGetUser: new AdminGetUser({ users }),
      adminAddUser: new AdminAddUser({ users, hasher, unitOfWork, history, clock, ids }),
      adminChangeUser: new AdminChangeUser({ users, sessions, unitOfWork, events, history, clock, ids }),
      adminSetPassword: new AdminSetPassword({ users, sessions, hasher, unitOfWork, events, history, clock, ids }),
      adminRevokeLogins: new AdminRevokeLogins({ users, sessions, unitOfWork, events, history, clock, ids }),
      adminDeleteUsers: new AdminDeleteUsers({ users, unitOfWork, history, clock, ids }),
      objectHistory: new ObjectHistory({ history }),
      recentActions: new RecentActions({ history }),
    },
  };
}
