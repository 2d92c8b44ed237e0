import { runTaskctl } from "./cli.ts";

// Started by bin/taskctl.js, which turns Node's compile cache on first.
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
