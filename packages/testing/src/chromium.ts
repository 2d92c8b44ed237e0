import { accessSync, constants } from "node:fs";
import { type Unavailable, unavailable } from "./services.ts";

/** Debian's Chromium (`apt-get install chromium`), the browser the browser tests drive. */
const CHROMIUM_PATH = "/usr/bin/chromium";

/** The Chromium that browser tests launch, or why there is none. */
export type TestChromium = { readonly available: true; readonly executablePath: string } | Unavailable;

/**
 * Finds the Chromium that browser tests may launch. When it is missing, `CI=true` makes
 * this throw (the test file fails); otherwise it answers why, and `describeWith` registers
 * the suites that need it as skipped.
 */
export function findChromium(): TestChromium {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
    return { available: true, executablePath: CHROMIUM_PATH };
  } catch {
    return unavailable("Chromium", `no ${CHROMIUM_PATH} (apt-get install chromium; .ci/run installs it)`);
  }
}

// Headless as root on a machine that reaches nothing outside: no sandbox (Chromium starts
// none as root), no GPU, no QUIC, and none of the background traffic (component updates,
// sync, first-run tasks) that would keep trying hosts it cannot reach. Playwright gives each
// launch a fresh temporary profile (its own --user-data-dir, deleted on close).
/** The command-line flags every test launch of Chromium takes. */
export const CHROMIUM_FLAGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];
