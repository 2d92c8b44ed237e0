export {
  findPostgresServer,
  POSTGRES_IMAGE,
  type PostgresLookup,
  type PostgresServer,
} from "./postgres-server.ts";
export { isCi, runPostgresSuite } from "./postgres-suite.ts";
export { createTestDatabase, type TestDatabase } from "./test-database.ts";
export { connectTestRedis } from "./test-redis.ts";
