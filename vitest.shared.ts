import { defineProject, type UserWorkspaceConfig } from "vitest/config";

/**
 * The settings every package's tests share. Workspace packages are resolved through
 * their `source` export condition, so tests run the TypeScript sources with no build.
 */
export function defineWorkspaceProject(name: string, test: UserWorkspaceConfig["test"] = {}): UserWorkspaceConfig {
  return defineProject({
    resolve: { conditions: ["source", "node", "import", "default"] },
    ssr: { resolve: { conditions: ["source", "node", "import", "default"] } },
    test: { name, include: ["test/**/*.test.ts"], ...test },
  });
}
