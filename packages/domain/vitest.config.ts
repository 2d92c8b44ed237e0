import { defineWorkspaceProject } from "../../vitest.shared.ts";

// The domain's tests share no mutable module state and mock no modules, so one worker can run every file:
// a fresh worker per file cost more than the tests themselves.
export default defineWorkspaceProject("domain", { isolate: false });
