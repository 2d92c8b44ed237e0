import { defineWorkspaceProject } from "../../vitest.shared.ts";

// Creating and dropping PostgreSQL databases, and a Vitest run in a child process, take
// seconds on a busy machine: the default 5 s timed out under a load of 15.
export default defineWorkspaceProject("testing", { hookTimeout: 60_000, testTimeout: 30_000 });
