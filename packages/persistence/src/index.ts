export {
  type Database,
  type DatabaseOptions,
  type Engine,
  openDatabase,
  PGLITE_DIRECTORY,
} from "./database.ts";
export { DatabaseInUse } from "./errors.ts";
