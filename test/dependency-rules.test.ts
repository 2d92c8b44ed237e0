import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  importsOf,
  importViolations,
  type Manifest,
  manifestViolations,
  readSourceFiles,
  readWorkspace,
  type WorkspacePackage,
} from "./dependency-rules.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

describe("the repository", () => {
  const workspace = readWorkspace(root);

  it("finds the domain, the adapters and the apps", () => {
    const dirs = workspace.map((pkg) => pkg.dir);
    expect(dirs).toEqual(expect.arrayContaining(["packages/domain", "apps/api", "apps/admin"]));
  });

  it("keeps every import pointing inward: apps -> adapters -> domain, and the domain on its own", () => {
    const files = readSourceFiles(root, workspace);
    expect(files.some((file) => file.path.startsWith("packages/domain/src/"))).toBe(true);
    expect(importViolations(files, workspace)).toEqual([]);
  });

  it("declares no runtime dependency in the domain and no dependency on an app anywhere", () => {
    expect(manifestViolations(workspace)).toEqual([]);
  });
});

const manifest = (name: string, extra: Partial<Manifest> = {}): Manifest => ({ name, ...extra });
const fixtureWorkspace: WorkspacePackage[] = [
  { dir: "packages/domain", manifest: manifest("@tasks/domain") },
  { dir: "packages/persistence", manifest: manifest("@tasks/persistence") },
  { dir: "apps/api", manifest: manifest("@tasks/api") },
  { dir: "apps/admin", manifest: manifest("@tasks/admin") },
];
const violationsOf = (path: string, text: string) =>
  importViolations([{ path, text }], fixtureWorkspace).map((violation) => violation.imports);

describe("the import rules", () => {
  it.each([
    ["a package", `import fastify from "fastify";`, "fastify"],
    ["a side-effect import", `import "fastify";`, "fastify"],
    ["a node: module", `import { randomUUID } from "node:crypto";`, "node:crypto"],
    ["a built-in module without node:", `import { readFile } from "fs/promises";`, "fs/promises"],
    ["another workspace package", `import { x } from "@tasks/persistence";`, "@tasks/persistence"],
    ["itself by its package name", `import { Task } from "@tasks/domain";`, "@tasks/domain"],
    [
      "an adapter by relative path",
      `import { x } from "../../persistence/src/index.ts";`,
      "../../persistence/src/index.ts",
    ],
    ["a type only", `import type { FastifyInstance } from "fastify";`, "fastify"],
    ["a dynamic import", `const pino = await import("pino");`, "pino"],
    ["a re-export", `export * from "uuid";`, "uuid"],
    ["a require call", `const fs = require("fs");`, "fs"],
    ["node's types", `/// <reference types="node" />`, "node"],
  ])("rejects %s in the domain's sources", (_what, text, imported) => {
    expect(violationsOf("packages/domain/src/entities/task.ts", text)).toEqual([imported]);
  });

  it("allows the domain's sources to import their own files", () => {
    const text = `import { Task } from "../entities/task.ts";\nexport * from "./errors.ts";`;
    expect(violationsOf("packages/domain/src/use-cases/create-task.ts", text)).toEqual([]);
  });

  it("allows the domain's tests Vitest and the domain, but not an adapter", () => {
    const text = `import { it } from "vitest";\nimport { Task } from "../src/index.ts";\nimport "@tasks/domain";\nimport "@tasks/persistence";`;
    expect(violationsOf("packages/domain/test/task.test.ts", text)).toEqual(["@tasks/persistence"]);
  });

  it("allows an adapter to import the domain and packages, but not an app", () => {
    const text = `import { Task } from "@tasks/domain";\nimport { MikroORM } from "@mikro-orm/core";\nimport { x } from "@tasks/api";\nimport "../../../apps/admin/src/main.ts";`;
    expect(violationsOf("packages/persistence/src/repository.ts", text)).toEqual([
      "@tasks/api",
      "../../../apps/admin/src/main.ts",
    ]);
  });

  it("allows an app to import adapters and the domain, but not another app", () => {
    const text = `import "@tasks/persistence";\nimport "@tasks/domain";\nimport "./routes.ts";\nimport "@tasks/admin";`;
    expect(violationsOf("apps/api/src/app.ts", text)).toEqual(["@tasks/admin"]);
  });

  it("reads every kind of import the compiler knows", () => {
    const text = `/// <reference path="./e.d.ts" />\nimport a from "a";\nexport { b } from "b";\nimport c = require("c");\nawait import("d");`;
    expect(importsOf(text).sort()).toEqual(["./e.d.ts", "a", "b", "c", "d"]);
  });
});

describe("the manifest rules", () => {
  it("rejects a runtime dependency of the domain", () => {
    const workspace = [
      { dir: "packages/domain", manifest: manifest("@tasks/domain", { dependencies: { uuid: "14.0.3" } }) },
    ];
    expect(manifestViolations(workspace).map((violation) => violation.imports)).toEqual(["uuid"]);
  });

  it("rejects a package that depends on an app", () => {
    const workspace = [
      {
        dir: "packages/persistence",
        manifest: manifest("@tasks/persistence", { devDependencies: { "@tasks/api": "workspace:*" } }),
      },
      { dir: "apps/api", manifest: manifest("@tasks/api") },
    ];
    expect(manifestViolations(workspace).map((violation) => violation.imports)).toEqual(["@tasks/api"]);
  });
});
