import { describe } from "vitest";
import { findPostgresServer } from "./postgres-server.ts";

/** Whether tests run under CI (`CI=true`), where a missing service is a failure, never a skip. */
export function isCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== "" && ci !== "0" && ci.toLowerCase() !== "false";
}

/** Whether a service that some suites need answers, and if not, why. */
export type Availability = { readonly available: true } | Unavailable;

export interface Unavailable {
  readonly available: false;
  /** What is missing, for the names of the suites it leaves out: `PostgreSQL`, `Redis`. */
  readonly service: string;
  readonly reason: string;
}

/**
 * The answer for a service that does not answer and that no `TEST_*` variable names
 * (one that does fails before this): under `CI=true` this throws, so that the test
 * file fails; otherwise the suites that need the service are registered as skipped.
 */
export function unavailable(service: string, reason: string): Unavailable {
  if (isCi()) throw new Error(`CI=true and ${service} is needed: ${reason}`);
  return { available: false, service, reason };
}

/** PostgreSQL as `findPostgresServer` finds it, which rejects when `TEST_DATABASE_URL` is set and does not answer. */
export async function postgresAvailability(): Promise<Availability> {
  const lookup = await findPostgresServer();
  return lookup.found ? { available: true } : unavailable("PostgreSQL", lookup.reason);
}

type Describe = (name: string, body: () => void) => void;

const warned = new Set<string>();

/**
 * Vitest's `describe` for a suite that needs a service. When the service answers, the
 * suite runs. When it does not (only ever locally: see `unavailable`), the suite is still
 * registered, as skipped, with "(skipped: no <service>)" at the end of its name, so that
 * the run's counts show every test it left out; the reason is printed once per test file.
 *
 * ```ts
 * describeWith(await postgresAvailability())("when PostgreSQL goes down", () => { ... });
 * ```
 */
export function describeWith(availability: Availability): Describe {
  if (availability.available) return (name, body) => describe(name, body);
  const { service, reason } = availability;
  if (!warned.has(service)) {
    warned.add(service);
    console.warn(`Suites that need ${service} are skipped: ${reason}`);
  }
  return (name, body) => describe.skip(`${name} (skipped: no ${service})`, body);
}
