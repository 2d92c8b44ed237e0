import { defineConfig } from "vitest/config";
import type { Reporter, TestModule } from "vitest/node";
import { defineWorkspaceProject } from "./vitest.shared.ts";

/**
 * Ends the run with a plain `vitest: N passed, N failed, N skipped` line, the closing line
 * that CI reads to count tests. A test file that fails before any test runs (a failed
 * import, a missing PostgreSQL under CI) and an unhandled error each count as one failure.
 */
const countsLine: Reporter = {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>) {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const testModule of testModules) {
      const tests = [...testModule.children.allTests()];
      passed += tests.filter((test) => test.result().state === "passed").length;
      const failedTests = tests.filter((test) => test.result().state === "failed").length;
      failed += failedTests === 0 && testModule.state() === "failed" ? 1 : failedTests;
      skipped += tests.filter((test) => test.result().state === "skipped").length;
    }
    process.stdout.write(`\nvitest: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  },
};

export default defineConfig({
  test: {
    projects: ["packages/*/vitest.config.ts", "apps/*/vitest.config.ts", defineWorkspaceProject("repo")],
    reporters: ["default", countsLine],
    coverage: {
      provider: "v8",
      include: ["packages/domain/src/**"],
      reporter: ["text-summary", "html"],
      thresholds: { "packages/domain/src/**": { lines: 95, branches: 95 } },
    },
  },
});
