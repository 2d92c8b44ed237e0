import type { Clock } from "@tasks/domain";

export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
}
