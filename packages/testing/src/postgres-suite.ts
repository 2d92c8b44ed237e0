import { findPostgresServer } from "./postgres-server.ts";

/** Whether tests run under CI (`CI=true`), where a missing PostgreSQL is a failure, never a skip. */
export function isCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== "" && ci !== "0" && ci.toLowerCase() !== "false";
}

/**
 * Decides whether a test file registers its PostgreSQL suite. `true` when a server is
 * found. Otherwise: under CI it throws, so the file fails; locally it prints one line
 * naming the suite left out and why, and answers `false`.
 *
 * ```ts
 * if (await runPostgresSuite("task repository")) describe("on PostgreSQL", () => { ... });
 * ```
 */
export async function runPostgresSuite(suite: string): Promise<boolean> {
  const lookup = await findPostgresServer();
  if (lookup.found) return true;
  if (isCi()) throw new Error(`CI=true and ${suite} needs PostgreSQL: ${lookup.reason}`);
  console.warn(`[${suite}] PostgreSQL half left out: ${lookup.reason}`);
  return false;
}
