import { defineWorkspaceProject } from "../../vitest.shared.ts";

// Opening a database (PGlite from its snapshot, or a fresh PostgreSQL one) takes seconds on a busy machine.
export default defineWorkspaceProject("api", { hookTimeout: 60_000, testTimeout: 30_000 });
