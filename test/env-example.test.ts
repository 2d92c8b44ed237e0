import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CONFIG_VARIABLES, loadConfig } from "@tasks/platform";
import { describe, expect, it } from "vitest";

/**
 * `.env.example` is where a newcomer learns the configuration: these tests keep it equal
 * to what the configuration reads, and its defaults true.
 */

const root = fileURLToPath(new URL("..", import.meta.url));
// `# NAME=value`: every variable is written commented out, so that a copy changes nothing.
const ENTRY = /^# ([A-Z][A-Z0-9_]*)=(.*)$/;

function entries(): [name: string, value: string][] {
  return readFileSync(`${root}.env.example`, "utf8")
    .split("\n")
    .flatMap((line) => {
      const match = ENTRY.exec(line);
      return match ? [[match[1] as string, match[2] as string] as [string, string]] : [];
    });
}

describe(".env.example", () => {
  it("lists every variable the configuration reads, once, and no other", () => {
    const names = entries().map(([name]) => name);
    expect(names.length).toBe(new Set(names).size);
    expect([...names].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it("gives each variable its real default: set to it, the configuration is the same as with nothing set", () => {
    const defaults = loadConfig({}, root);
    for (const [name, value] of entries().filter(([, value]) => value !== ""))
      expect(loadConfig({ [name]: value }, root), `${name}=${value}`).toEqual(defaults);
  });
});
