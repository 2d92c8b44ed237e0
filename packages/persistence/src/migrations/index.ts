import type { MigrationObject } from "@mikro-orm/core";
import { Migration20261124095559_initial } from "./Migration20261124095559_initial.ts";
import { Migration20261127095608_username_key } from "./Migration20261127095608_username_key.ts";
import { Migration20261127110457_logins } from "./Migration20261127110457_logins.ts";
import { Migration20261127131801_task_counts } from "./Migration20261127131801_task_counts.ts";
import { Migration20261127154912_history_entries } from "./Migration20261127154912_history_entries.ts";
import { Migration20261127183507_task_count_shards } from "./Migration20261127183507_task_count_shards.ts";

/**
 * Every migration, oldest first. Listed here rather than found by scanning a folder, so
 * that the TypeScript sources and the built JavaScript run the same list. Written by
 * scripts/create-migration.ts.
 */
export const MIGRATIONS: MigrationObject[] = [
  { name: "Migration20261124095559_initial", class: Migration20261124095559_initial },
  { name: "Migration20261127095608_username_key", class: Migration20261127095608_username_key },
  { name: "Migration20261127110457_logins", class: Migration20261127110457_logins },
  { name: "Migration20261127131801_task_counts", class: Migration20261127131801_task_counts },
  { name: "Migration20261127154912_history_entries", class: Migration20261127154912_history_entries },
  { name: "Migration20261127183507_task_count_shards", class: Migration20261127183507_task_count_shards },
];
