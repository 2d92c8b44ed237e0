import { type LoginSettings, PasswordCheck } from "../index.ts";
import { FakeClock } from "./fake-clock.ts";
import { FakeLoginThrottle } from "./fake-login-throttle.ts";
import { FakePasswordHasher } from "./fake-password-hasher.ts";
import { FakeSessionKeys } from "./fake-session-keys.ts";
import { FakeTokenService } from "./fake-token-service.ts";
import { InMemoryHistoryRepository } from "./in-memory-history-repository.ts";
import { InMemorySessionRepository } from "./in-memory-session-repository.ts";
import { InMemoryTaskRepository } from "./in-memory-task-repository.ts";
import { InMemoryUnitOfWork } from "./in-memory-unit-of-work.ts";
import { InMemoryUserRepository } from "./in-memory-user-repository.ts";
import { RecordedSecurityEvents } from "./recorded-security-events.ts";
import { SequentialIdGenerator } from "./sequential-id-generator.ts";
import { WriteLog } from "./write-log.ts";

/** The login lifetimes of the fakes: the contract's defaults. */
export const FAKE_LOGIN_SETTINGS: LoginSettings = {
  sessionTtlMs: 14 * 24 * 3_600_000,
  maxAgeMs: 30 * 24 * 3_600_000,
  reuseWindowMs: 10_000,
};

/**
 * Every port, faked and wired together: one write log, one transaction over all
 * repositories, plus the `PasswordCheck` and the login settings the login use cases share.
 */
export function fakePorts() {
  const log = new WriteLog();
  const tasks = new InMemoryTaskRepository(log);
  const sessions = new InMemorySessionRepository(log);
  const history = new InMemoryHistoryRepository(log);
  const users = new InMemoryUserRepository(log, { tasks, sessions, history });
  sessions.users = users;
  const clock = new FakeClock();
  const ids = new SequentialIdGenerator();
  const hasher = new FakePasswordHasher();
  const throttle = new FakeLoginThrottle();
  const events = new RecordedSecurityEvents();
  return {
    log,
    tasks,
    sessions,
    users,
    history,
    unitOfWork: new InMemoryUnitOfWork([users, tasks, sessions, history], log),
    clock,
    ids,
    hasher,
    tokens: new FakeTokenService(clock),
    keys: new FakeSessionKeys(),
    throttle,
    events,
    passwords: new PasswordCheck({ users, hasher, throttle, ids, events }),
    settings: FAKE_LOGIN_SETTINGS,
  };
}

export type FakePorts = ReturnType<typeof fakePorts>;
