import type { Clock } from "../index.ts";

export const START = new Date("2025-03-01T09:00:00.000Z");

/** Time stands still until a test moves it. */
export class FakeClock implements Clock {
  private current: number;

  constructor(start: Date = START) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(milliseconds: number): void {
    this.current += milliseconds;
  }
}
