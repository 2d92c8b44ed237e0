import { defineWorkspaceProject } from "../../vitest.shared.ts";

// Every test runs the real binary in child processes, which take seconds to start on PGlite.
export default defineWorkspaceProject("admin", { testTimeout: 60_000, hookTimeout: 120_000 });
