import { expect, it } from "vitest";
import { SystemClock } from "../src/system-clock.ts";
import { UuidV7IdGenerator } from "../src/uuid-v7-id-generator.ts";

it("makes version 7 UUIDs that sort by creation", () => {
  const ids = new UuidV7IdGenerator();
  const made = Array.from({ length: 50 }, () => ids.newId());
  for (const id of made) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(new Set(made).size).toBe(50);
  expect([...made].sort()).toEqual(made);
});

it("tells the time of the system", () => {
  const before = Date.now();
  const now = new SystemClock().now().getTime();
  expect(now).toBeGreaterThanOrEqual(before);
  expect(now).toBeLessThanOrEqual(Date.now());
});
