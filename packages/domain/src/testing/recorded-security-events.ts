import type { SecurityEvent, SecurityEvents } from "../index.ts";

/** The security events in the order they happened. */
export class RecordedSecurityEvents implements SecurityEvents {
  readonly recorded: SecurityEvent[] = [];

  record(event: SecurityEvent): void {
    this.recorded.push(event);
  }

  /** The names of the events, in order. */
  names(): string[] {
    return this.recorded.map((event) => event.event);
  }
}
