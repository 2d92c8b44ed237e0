import type { MigrationObject } from "@mikro-orm/core";
import { Migration20261124095559_initial } from "./Migration20261124095559_initial.ts";

/**
 * Every migration, oldest first. Listed here rather than found by scanning a folder, so
 * that the TypeScript sources and the built JavaScript run the same list. Written by
 * scripts/create-migration.ts.
 */
export const MIGRATIONS: MigrationObject[] = [
  { name: "Migration20261124095559_initial", class: Migration20261124095559_initial },
];
