import { defineProject, type UserWorkspaceConfig } from "vitest/config";

/**
 * The settings every package's tests share. Workspace packages are resolved through
 * their `source` export condition, so tests run the TypeScript sources with no build.
 */
export function defineWorkspaceProject(name: string, test: UserWorkspaceConfig["test"] = {}): UserWorkspaceConfig {
  // No "import" here: Vite adds "import" or "require" by how a module is loaded, and an
  // explicit "import" made CommonJS packages (pg requiring pg-pool) get ESM builds.
  return defineProject({
    resolve: { conditions: ["source", "node"] },
    ssr: { resolve: { conditions: ["source", "node"] } },
    test: { name, include: ["test/**/*.test.ts"], ...test },
  });
}
