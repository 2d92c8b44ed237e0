export {
  type Database,
  type DatabaseOptions,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_POOL_SIZE,
  DEFAULT_STATEMENT_TIMEOUT_MS,
  type Engine,
  openDatabase,
} from "./database.ts";
export { DatabaseInUse } from "./errors.ts";
export { MikroOrmSessionRepository } from "./repositories/mikro-orm-session.repository.ts";
export { MikroOrmTaskRepository } from "./repositories/mikro-orm-task.repository.ts";
export { MikroOrmUnitOfWork } from "./repositories/mikro-orm-unit-of-work.ts";
export { MikroOrmUserRepository } from "./repositories/mikro-orm-user.repository.ts";
