/**
 * Generates the next migration from the difference between the entity schemas and a
 * database migrated to the newest committed migration, then lists it in
 * src/migrations/index.ts. Runs on an in-memory PGlite: no server needed.
 *
 *   pnpm --filter @tasks/persistence migration:create [name]
 */
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { createOrm } from "../src/orm.ts";

const migrationsDir = fileURLToPath(new URL("../src/migrations", import.meta.url));
const name = process.argv[2];

const pglite = await PGlite.create();
const orm = await createOrm({ kind: "pglite", pglite }, migrationsDir);
try {
  await orm.migrator.up();
  const initial = (await orm.migrator.getExecuted()).length === 0;
  const result = await orm.migrator.create(migrationsDir, false, initial, name);
  if (result.fileName === "") console.log("The database already matches the entity schemas: no migration needed.");
  else {
    writeIndex();
    console.log(`Created src/migrations/${result.fileName}:\n${result.diff.up.join("\n")}`);
  }
} finally {
  await orm.close();
  await pglite.close();
}

function writeIndex(): void {
  const classes = readdirSync(migrationsDir)
    .filter((file) => /^Migration.*\.ts$/.test(file) && !file.endsWith(".d.ts"))
    .sort()
    .map((file) => file.replace(/\.ts$/, ""));
  const lines = [
    'import type { MigrationObject } from "@mikro-orm/core";',
    ...classes.map((migration) => `import { ${migration} } from "./${migration}.ts";`),
    "",
    "/**",
    " * Every migration, oldest first. Listed here rather than found by scanning a folder, so",
    " * that the TypeScript sources and the built JavaScript run the same list. Written by",
    " * scripts/create-migration.ts.",
    " */",
    "export const MIGRATIONS: MigrationObject[] = [",
    ...classes.map((migration) => `  { name: "${migration}", class: ${migration} },`),
    "];",
    "",
  ];
  writeFileSync(join(migrationsDir, "index.ts"), lines.join("\n"));
}
