#!/usr/bin/env node
// The command's entry point. Plain JavaScript, so that Node's compile cache is on before
// any TypeScript loads: every start after the first then skips compiling and
// type-stripping the modules, about a sixth of a cold start.
import { enableCompileCache } from "node:module";

enableCompileCache();
// Through this package's own exports: the TypeScript sources under --conditions=source
// (`pnpm taskctl`), the built JavaScript otherwise (`taskctl` in the container image).
await import("@tasks/admin/main");
