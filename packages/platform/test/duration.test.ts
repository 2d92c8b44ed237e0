import { expect, it } from "vitest";
import { parseDuration } from "../src/duration.ts";

it.each([
  ["900", 900],
  ["900s", 900],
  ["15m", 900],
  ["2h", 7200],
  ["7d", 604_800],
])("parses %s as %i seconds", (raw, seconds) => {
  expect(parseDuration(raw)).toBe(seconds);
});

it.each(["", "0", "0m", "-5m", "1.5h", "15 minutes", "m"])("refuses %j", (raw) => {
  expect(parseDuration(raw)).toBeUndefined();
});
