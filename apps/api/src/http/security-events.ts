import type { SecurityEvent, SecurityEvents } from "@tasks/domain";
import type { FastifyBaseLogger } from "fastify";

/** A request refused by the CSRF check: the HTTP layer's own security event. */
export interface CsrfFailedEvent {
  readonly event: "csrf_failed";
  readonly reason: string;
  readonly method: string;
  readonly path: string | null;
  readonly clientAddress: string;
}

export interface HttpSecurityEvents extends SecurityEvents {
  record(event: SecurityEvent | CsrfFailedEvent): void;
}

// Refusals an operator watching for attacks looks at first; the other events are the record of what happened.
const WARNINGS = new Set(["login_failed", "login_throttled", "refresh_reuse_detected", "csrf_failed"]);

/**
 * Security events as structured log lines: the event's own fields at the top level, with
 * its name in `event`. No event carries a password, token, cookie value or secret.
 */
export function logSecurityEvents(logger: FastifyBaseLogger): HttpSecurityEvents {
  return {
    record(event) {
      if (WARNINGS.has(event.event)) logger.warn(event, `security event: ${event.event}`);
      else logger.info(event, `security event: ${event.event}`);
    },
  };
}
