// tsc compiles only the TypeScript: the web admin's templates and stylesheet are copied
// beside its compiled code, where it reads them (dist/admin/templates, dist/admin/static).
import { cpSync, rmSync } from "node:fs";

for (const folder of ["templates", "static"]) {
  const target = new URL(`../dist/admin/${folder}/`, import.meta.url);
  rmSync(target, { recursive: true, force: true });
  cpSync(new URL(`../src/admin/${folder}/`, import.meta.url), target, { recursive: true });
}
