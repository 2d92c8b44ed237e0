import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cruise, type IViolation } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The package rules live in `.dependency-cruiser.ts`; these tests run dependency-cruiser
 * with them on the repository, and on a copy of its manifests with one bad import per
 * rule, to prove that each rule can fail. The manifest rules, which no import shows, are
 * checked here directly.
 */

const root = fileURLToPath(new URL("..", import.meta.url));
// dependency-cruiser on the whole repository takes a few seconds, more on a busy machine.
const CRUISE_TIMEOUT_MS = 120_000;
// Every package's folders (what `.dependency-cruiser.ts` excludes aside), the examples, and the root's tests and scripts.
const CRUISED = ["packages", "apps", "examples", "test", "scripts"];

/** The workspace packages' folders under `base`: `packages/domain`, `apps/api`, ... */
function packageDirs(base: string): string[] {
  return ["packages", "apps"].flatMap((group) =>
    readdirSync(join(base, group), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${group}/${entry.name}`),
  );
}

async function violationsIn(base: string): Promise<IViolation[]> {
  const options = await extractDepcruiseOptions(join(root, ".dependency-cruiser.ts"));
  const folders = CRUISED.filter((folder) => existsSync(join(base, folder)));
  const { output } = await cruise(folders, { ...options, baseDir: base });
  if (typeof output === "string") throw new Error(`dependency-cruiser answered with text: ${output}`);
  return output.summary.violations;
}

describe("the repository", () => {
  it(
    "keeps every package rule of .dependency-cruiser.ts",
    async () => {
      const violations = await violationsIn(root);
      expect(violations.map((violation) => `${violation.rule.name}: ${violation.from} -> ${violation.to}`)).toEqual([]);
    },
    CRUISE_TIMEOUT_MS,
  );
});

interface Manifest {
  readonly name: string;
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
}

const RUNTIME_FIELDS = ["dependencies", "peerDependencies", "optionalDependencies"] as const;
const ALL_FIELDS = [...RUNTIME_FIELDS, "devDependencies"] as const;

function readManifest(path: string): Manifest {
  return JSON.parse(readFileSync(path, "utf8")) as Manifest;
}

/**
 * What the import rules cannot see: the domain declares no runtime dependency, and no
 * package declares a dependency on an app, even one it never imports.
 */
function manifestViolations(manifests: Readonly<Record<string, Manifest>>): string[] {
  const apps = Object.entries(manifests)
    .filter(([dir]) => dir.startsWith("apps/"))
    .map(([, manifest]) => manifest.name);
  return Object.entries(manifests).flatMap(([dir, manifest]) => [
    ...(dir === "packages/domain"
      ? RUNTIME_FIELDS.flatMap((field) =>
          Object.keys(manifest[field] ?? {}).map((name) => `${dir}: the domain declares no ${field} (${name})`),
        )
      : []),
    ...ALL_FIELDS.flatMap((field) =>
      Object.keys(manifest[field] ?? {})
        .filter((name) => apps.includes(name) && name !== manifest.name)
        .map((name) => `${dir}: nothing depends on an app (${field}: ${name})`),
    ),
  ]);
}

describe("the manifests", () => {
  it("declare no runtime dependency of the domain and no dependency on an app", () => {
    const dirs = packageDirs(root);
    expect(dirs).toEqual(expect.arrayContaining(["packages/domain", "apps/api", "apps/admin"]));
    const manifests = Object.fromEntries(dirs.map((dir) => [dir, readManifest(join(root, dir, "package.json"))]));
    expect(manifestViolations(manifests)).toEqual([]);
  });

  it("reject a runtime dependency of the domain", () => {
    const manifests = { "packages/domain": { name: "@tasks/domain", dependencies: { uuid: "14.0.3" } } };
    expect(manifestViolations(manifests)).toEqual(["packages/domain: the domain declares no dependencies (uuid)"]);
  });

  it("reject a package that depends on an app", () => {
    const manifests = {
      "packages/persistence": { name: "@tasks/persistence", devDependencies: { "@tasks/api": "workspace:*" } },
      "apps/api": { name: "@tasks/api" },
    };
    expect(manifestViolations(manifests)).toEqual([
      "packages/persistence: nothing depends on an app (devDependencies: @tasks/api)",
    ]);
  });
});

/** Files that the cases import; they break no rule themselves. */
const TARGETS = [
  "packages/domain/src/index.ts",
  "packages/domain/src/task.ts",
  "packages/domain/test/builders.ts",
  "packages/platform/src/index.ts",
  "apps/api/src/routes.ts",
  "apps/api/src/server.ts",
  "apps/admin/src/main.ts",
];

/** Dependencies on apps that the cases declare, so that importing the app resolves. */
const APP_DEPENDENCIES = [
  { dir: "packages/persistence", app: "@tasks/api", appDir: "apps/api" },
  { dir: "apps/api", app: "@tasks/admin", appDir: "apps/admin" },
];

// what, file, its text, the rules it breaks
const CASES: [string, string, string, string[]][] = [
  [
    "the domain importing its own files",
    "packages/domain/src/own.ts",
    `import { x } from "./task.ts";\nexport * from "./index.ts";`,
    [],
  ],
  [
    "the domain importing a node: module",
    "packages/domain/src/node.ts",
    `import { randomUUID } from "node:crypto";`,
    ["domain-imports-only-its-own-files"],
  ],
  [
    "the domain importing a built-in module without node:",
    "packages/domain/src/builtin.ts",
    `import { readFile } from "fs/promises";`,
    ["domain-imports-only-its-own-files"],
  ],
  [
    "the domain importing a type only",
    "packages/domain/src/type-only.ts",
    `import type { Stats } from "node:fs";`,
    ["domain-imports-only-its-own-files"],
  ],
  [
    "the domain importing dynamically",
    "packages/domain/src/dynamic.ts",
    `export const os = await import("node:os");`,
    ["domain-imports-only-its-own-files"],
  ],
  [
    "the domain requiring a module",
    "packages/domain/src/require.ts",
    `const path = require("node:path");`,
    ["domain-imports-only-its-own-files"],
  ],
  [
    "the domain re-exporting a module",
    "packages/domain/src/re-export.ts",
    `export { join } from "node:path";`,
    ["domain-imports-only-its-own-files"],
  ],
  [
    "the domain referencing Node's types (which only its tests and scripts declare)",
    "packages/domain/src/node-types.ts",
    `/// <reference types="node" />`,
    ["domain-imports-only-its-own-files", "shipped-code-imports-no-dev-dependency"],
  ],
  [
    "the domain importing a package",
    "packages/domain/src/package.ts",
    `import { parse } from "yaml";`,
    ["domain-imports-only-its-own-files", "every-import-declared"],
  ],
  [
    "the domain importing itself by its package name",
    "packages/domain/src/self.ts",
    `import { x } from "@tasks/domain";`,
    ["domain-imports-only-its-own-files"],
  ],
  [
    "the domain reaching into an adapter by path",
    "packages/domain/src/adapter.ts",
    `import "../../persistence/src/index.ts";`,
    ["no-reaching-into-another-package"],
  ],
  [
    "the domain's sources importing its tests",
    "packages/domain/src/builders.ts",
    `import { aTask } from "../test/builders.ts";`,
    ["shipped-code-imports-only-shipped-files"],
  ],
  [
    "the domain's tests importing Vitest and the domain",
    "packages/domain/test/task.test.ts",
    `import { it } from "vitest";\nimport { x } from "../src/index.ts";`,
    [],
  ],
  [
    "the domain's tests importing another workspace package",
    "packages/domain/test/platform.test.ts",
    `import { systemClock } from "@tasks/platform";`,
    ["domain-uses-no-other-workspace-package", "every-import-declared"],
  ],
  [
    "an adapter's sources importing a devDependency",
    "packages/persistence/src/index.ts",
    `import { createTestDatabase } from "@tasks/testing";`,
    ["shipped-code-imports-no-dev-dependency"],
  ],
  [
    "an adapter's sources importing a devDependency's types",
    "packages/persistence/src/types.ts",
    `import type { TestDatabase } from "@tasks/testing";`,
    [],
  ],
  [
    "an adapter importing the domain and its own dependencies",
    "packages/persistence/src/repository.ts",
    `import { Task } from "@tasks/domain";\nimport { MikroORM } from "@mikro-orm/core";`,
    [],
  ],
  [
    "an adapter importing an app by name",
    "packages/persistence/src/app.ts",
    `import { buildApp } from "@tasks/api";`,
    ["no-app-imported"],
  ],
  [
    "an adapter reaching into an app by path",
    "packages/persistence/src/reach.ts",
    `import "../../../apps/admin/src/main.ts";`,
    ["no-reaching-into-another-package"],
  ],
  [
    "an app importing adapters, the domain and its own dependencies",
    "apps/api/src/app.ts",
    `import "@tasks/persistence";\nimport "@tasks/domain";\nimport fastify from "fastify";\nimport "./routes.ts";`,
    [],
  ],
  ["an app importing another app", "apps/api/src/admin.ts", `import "@tasks/admin/main";`, ["no-app-imported"]],
  [
    "an app's sources importing another package's test support",
    "apps/api/src/test-support.ts",
    `import { openTestDatabase } from "@tasks/persistence/testing";`,
    ["shipped-code-imports-only-shipped-files"],
  ],
  [
    "an app's sources importing a devDependency",
    "apps/api/src/pg.ts",
    `import pg from "pg";`,
    ["shipped-code-imports-no-dev-dependency"],
  ],
  [
    "an app's tests importing devDependencies, test support and Vitest",
    "apps/api/test/routes.test.ts",
    `import "@tasks/testing";\nimport "@tasks/persistence/testing";\nimport pg from "pg";\nimport { it } from "vitest";`,
    [],
  ],
  [
    "an app's executable importing the app by its own name",
    "apps/admin/bin/taskctl.js",
    `await import("@tasks/admin/main");`,
    [],
  ],
  [
    "a benchmark reaching into another package's sources by path",
    "apps/admin/bench/cold-start.ts",
    `import "../../api/src/server.ts";`,
    ["no-reaching-into-another-package"],
  ],
  [
    "sources importing a package that only the root declares",
    "packages/security/src/platform.ts",
    `import { systemClock } from "@tasks/platform";`,
    ["every-import-declared"],
  ],
  [
    "sources importing Vitest",
    "packages/security/src/vitest.ts",
    `import { it } from "vitest";`,
    ["every-import-declared"],
  ],
  [
    "tests importing a package that only the root declares",
    "packages/security/test/yaml.test.ts",
    `import { parse } from "yaml";`,
    ["every-import-declared"],
  ],
  [
    "a package that is not installed",
    "apps/admin/src/pad.ts",
    `import pad from "left-pad";`,
    ["every-import-resolves"],
  ],
  ["a file that does not exist", "apps/admin/src/missing.ts", `import "./nowhere.ts";`, ["every-import-resolves"]],
  [
    "the repository's tests reaching into a package by path",
    "test/platform.test.ts",
    `import "../packages/platform/src/index.ts";`,
    ["no-reaching-into-another-package"],
  ],
];

/** Links every installed package of `from` into `to` (a folder of its own, so a case may add one). */
function linkInstalled(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name.startsWith("@")) linkInstalled(join(from, entry.name), join(to, entry.name));
    else symlinkSync(realpathSync(join(from, entry.name)), join(to, entry.name));
  }
}

/**
 * A copy of the workspace's manifests with the installed packages linked in, plus the
 * cases' files: their imports resolve to the real packages, and only their files are
 * cruised.
 */
function writeFixture(base: string): void {
  copyFileSync(join(root, "package.json"), join(base, "package.json"));
  symlinkSync(join(root, "node_modules"), join(base, "node_modules"));
  for (const dir of packageDirs(root)) {
    mkdirSync(join(base, dir), { recursive: true });
    copyFileSync(join(root, dir, "package.json"), join(base, dir, "package.json"));
    const installed = join(root, dir, "node_modules");
    if (existsSync(installed)) linkInstalled(installed, join(base, dir, "node_modules"));
  }
  for (const { dir, app, appDir } of APP_DEPENDENCIES) {
    const manifest = readManifest(join(base, dir, "package.json"));
    const declared = { ...manifest, dependencies: { ...manifest.dependencies, [app]: "workspace:*" } };
    writeFileSync(join(base, dir, "package.json"), JSON.stringify(declared));
    symlinkSync(join(root, appDir), join(base, dir, "node_modules", app));
  }
  const files: [string, string][] = [
    ...TARGETS.map((file): [string, string] => [file, "export const x = 1;\n"]),
    ...CASES.map(([, file, text]): [string, string] => [file, `${text}\n`]),
  ];
  for (const [file, text] of files) {
    mkdirSync(dirname(join(base, file)), { recursive: true });
    writeFileSync(join(base, file), text);
  }
}

describe("each rule", () => {
  let base: string;
  const broken = new Map<string, string[]>();

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), "dependency-rules-"));
    writeFixture(base);
    for (const violation of await violationsIn(base)) {
      const rules = broken.get(violation.from) ?? [];
      if (!rules.includes(violation.rule.name)) rules.push(violation.rule.name);
      broken.set(violation.from, rules.sort());
    }
  }, CRUISE_TIMEOUT_MS);

  afterAll(() => {
    if (base !== undefined) rmSync(base, { recursive: true, force: true });
  });

  it.each(CASES)("judges %s", (_what, file, _text, rules) => {
    expect(broken.get(file) ?? []).toEqual(rules);
  });

  it("reports only the cases' files", () => {
    const cases = new Set(CASES.map(([, file]) => file));
    expect([...broken.keys()].filter((file) => !cases.has(file))).toEqual([]);
  });
});
