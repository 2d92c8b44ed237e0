export { CHROMIUM_FLAGS, findChromium, type TestChromium } from "./chromium.ts";
export {
  findPostgresServer,
  POSTGRES_IMAGE,
  type PostgresLookup,
  type PostgresServer,
} from "./postgres-server.ts";
export { type Availability, describeWith, postgresAvailability } from "./services.ts";
export { createTestDatabase, type TestDatabase, type TestDatabaseOptions } from "./test-database.ts";
export { connectTestRedis, type TestRedis } from "./test-redis.ts";
