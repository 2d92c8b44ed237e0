import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensurePrivateDirectory } from "../src/private-directory.ts";

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe("ensurePrivateDirectory", () => {
  let root: string;
  let umask: number;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "private-directory-"));
    // As permissive as a umask gets: whatever is private below is private by design.
    umask = process.umask(0);
  });
  afterEach(() => {
    process.umask(umask);
    rmSync(root, { recursive: true, force: true });
  });

  it("creates the directory and its missing parents 0700 whatever the umask", () => {
    const directory = join(root, "parent", "data");
    ensurePrivateDirectory(directory);
    expect([modeOf(join(root, "parent")), modeOf(directory)]).toEqual([0o700, 0o700]);
  });

  it("keeps group and others out of what the process creates afterwards", () => {
    const directory = join(root, "data");
    ensurePrivateDirectory(directory);
    writeFileSync(join(directory, "file"), "x");
    mkdirSync(join(directory, "folder"));
    expect([modeOf(join(directory, "file")), modeOf(join(directory, "folder"))]).toEqual([0o600, 0o700]);
  });

  it("takes group and others' permissions away from an existing directory this user owns", () => {
    const directory = join(root, "data");
    mkdirSync(directory);
    chmodSync(directory, 0o755);
    ensurePrivateDirectory(directory);
    expect(modeOf(directory)).toBe(0o700);
  });
});
