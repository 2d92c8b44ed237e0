import { defineWorkspaceProject } from "../../vitest.shared.ts";

// The tests that run the real binary start child processes, which take seconds on PGlite.
export default defineWorkspaceProject("admin", { testTimeout: 60_000, hookTimeout: 120_000 });
