import { defineWorkspaceProject } from "../../vitest.shared.ts";

// An embedded database takes seconds to start on a busy machine.
export default defineWorkspaceProject("persistence", { hookTimeout: 60_000, testTimeout: 30_000 });
