#!/usr/bin/env node
import { enableCompileCache } from "node:module";

// Node keeps the compiled (and type-stripped) modules on disk: every start after the
// first skips most of the compiling. It must be on before the program's modules load,
// hence the imports below are dynamic.
enableCompileCache();
const { runTaskctl } = await import("./cli.ts");

const status = await runTaskctl({
  argv: process.argv.slice(2),
  env: process.env,
  cwd: process.cwd(),
  io: { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
  // The database adapters are the heaviest modules: --help and usage errors never load them.
  openContainer: async (config) => (await import("./container.ts")).openContainer(config),
});
// Exit as soon as the output is flushed: an embedded database may keep the event loop
// alive after it is closed.
process.stdout.write("", () => process.stderr.write("", () => process.exit(status)));
