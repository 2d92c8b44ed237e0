import { FakeClock } from "./fake-clock.ts";
import { FakeLoginThrottle } from "./fake-login-throttle.ts";
import { FakePasswordHasher } from "./fake-password-hasher.ts";
import { FakeTokenService } from "./fake-token-service.ts";
import { InMemorySessionRepository } from "./in-memory-session-repository.ts";
import { InMemoryTaskRepository } from "./in-memory-task-repository.ts";
import { InMemoryUnitOfWork } from "./in-memory-unit-of-work.ts";
import { InMemoryUserRepository } from "./in-memory-user-repository.ts";
import { SequentialIdGenerator } from "./sequential-id-generator.ts";
import { WriteLog } from "./write-log.ts";

/** Every port, faked and wired together: one write log, one transaction over all repositories. */
export function fakePorts() {
  const log = new WriteLog();
  const tasks = new InMemoryTaskRepository(log);
  const sessions = new InMemorySessionRepository(log);
  const users = new InMemoryUserRepository(log, { tasks, sessions });
  const clock = new FakeClock();
  return {
    log,
    tasks,
    sessions,
    users,
    unitOfWork: new InMemoryUnitOfWork([users, tasks, sessions], log),
    clock,
    ids: new SequentialIdGenerator(),
    hasher: new FakePasswordHasher(),
    tokens: new FakeTokenService(clock),
    throttle: new FakeLoginThrottle(),
  };
}

export type FakePorts = ReturnType<typeof fakePorts>;
