import { existsSync, readdirSync, readFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { join, posix, relative, sep } from "node:path";
import ts from "typescript";

/**
 * The dependency rule of the monorepo, checked on source text: apps -> adapters -> domain.
 * Imports are read with the TypeScript compiler's own pre-processor, so static, dynamic,
 * type-only and `require` imports, re-exports and `/// <reference types>` all count.
 */

/** A workspace package: its folder relative to the repository root, and its manifest. */
export interface WorkspacePackage {
  readonly dir: string;
  readonly manifest: Manifest;
}

export interface Manifest {
  readonly name: string;
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
}

/** A source file: its path relative to the repository root (with `/`), and its text. */
export interface SourceFile {
  readonly path: string;
  readonly text: string;
}

export interface Violation {
  readonly file: string;
  readonly imports: string;
  readonly rule: string;
}

const DOMAIN_DIR = "packages/domain";
const SOURCE_FOLDERS = ["src", "test"];
const SOURCE_EXTENSIONS = /\.(ts|mts|cts|tsx|js|mjs|cjs)$/;
const RUNTIME_DEPENDENCY_FIELDS = ["dependencies", "peerDependencies", "optionalDependencies"] as const;
const ALL_DEPENDENCY_FIELDS = [...RUNTIME_DEPENDENCY_FIELDS, "devDependencies"] as const;

/** What a source file imports, as written. */
export function importsOf(text: string): string[] {
  const info = ts.preProcessFile(text, true, true);
  return [...info.importedFiles, ...info.referencedFiles, ...info.typeReferenceDirectives].map((ref) => ref.fileName);
}

type Target =
  | { kind: "file"; path: string }
  | { kind: "builtin" }
  | { kind: "package"; name: string; workspace: WorkspacePackage | undefined };

function resolveTarget(from: string, specifier: string, workspace: readonly WorkspacePackage[]): Target {
  if (specifier.startsWith(".") || specifier.startsWith("/"))
    return { kind: "file", path: specifier.startsWith("/") ? specifier : posix.join(posix.dirname(from), specifier) };
  if (isBuiltin(specifier)) return { kind: "builtin" };
  const segments = specifier.split("/");
  const name = specifier.startsWith("@") ? segments.slice(0, 2).join("/") : (segments[0] ?? specifier);
  return { kind: "package", name, workspace: workspace.find((pkg) => pkg.manifest.name === name) };
}

function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}/`);
}

function isApp(dir: string): boolean {
  return dir.startsWith("apps/");
}

/** The rule an import breaks, or `undefined` when it is allowed. */
function brokenRule(file: SourceFile, owner: WorkspacePackage, target: Target): string | undefined {
  const targetDir =
    target.kind === "file" ? target.path : target.kind === "package" ? target.workspace?.dir : undefined;
  const inDomain = owner.dir === DOMAIN_DIR;

  if (inDomain && isInside(file.path, `${DOMAIN_DIR}/src`)) {
    if (target.kind === "file" && isInside(target.path, `${DOMAIN_DIR}/src`)) return undefined;
    return "the domain imports nothing but its own files: no package, no node: module, no other workspace package";
  }
  if (target.kind === "file" && !isInside(target.path, owner.dir))
    return "a package reaches another package through its name, never through a relative path";
  if (targetDir !== undefined && isApp(targetDir) && !isInside(targetDir, owner.dir))
    return isApp(owner.dir)
      ? "nothing imports an app, not even another app"
      : "an adapter package never imports an app";
  if (inDomain && target.kind === "package" && target.workspace !== undefined && target.workspace.dir !== DOMAIN_DIR)
    return "the domain's tests do not depend on adapters or apps";
  return undefined;
}

/** Every import in `files` that breaks the dependency rule. */
export function importViolations(files: readonly SourceFile[], workspace: readonly WorkspacePackage[]): Violation[] {
  const violations: Violation[] = [];
  for (const file of files) {
    const owner = workspace.find((pkg) => isInside(file.path, pkg.dir));
    if (owner === undefined) continue;
    for (const specifier of importsOf(file.text)) {
      const rule = brokenRule(file, owner, resolveTarget(file.path, specifier, workspace));
      if (rule !== undefined) violations.push({ file: file.path, imports: specifier, rule });
    }
  }
  return violations;
}

/** Every declared dependency that breaks the dependency rule. */
export function manifestViolations(workspace: readonly WorkspacePackage[]): Violation[] {
  const violations: Violation[] = [];
  for (const pkg of workspace) {
    const file = `${pkg.dir}/package.json`;
    if (pkg.dir === DOMAIN_DIR)
      for (const field of RUNTIME_DEPENDENCY_FIELDS)
        for (const name of Object.keys(pkg.manifest[field] ?? {}))
          violations.push({ file, imports: name, rule: `the domain declares no runtime dependency (${field})` });
    for (const field of ALL_DEPENDENCY_FIELDS)
      for (const name of Object.keys(pkg.manifest[field] ?? {})) {
        const dependency = workspace.find((other) => other.manifest.name === name);
        if (dependency !== undefined && isApp(dependency.dir) && dependency.dir !== pkg.dir)
          violations.push({ file, imports: name, rule: `nothing depends on an app (${field})` });
      }
  }
  return violations;
}

/** The workspace packages under `packages/` and `apps/` of the repository at `root`. */
export function readWorkspace(root: string): WorkspacePackage[] {
  return ["packages", "apps"].flatMap((group) =>
    readdirSync(join(root, group), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(root, group, entry.name, "package.json")))
      .map((entry) => {
        const dir = `${group}/${entry.name}`;
        return { dir, manifest: JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")) as Manifest };
      }),
  );
}

/** The source files in the `src/` and `test/` folders of every workspace package. */
export function readSourceFiles(root: string, workspace: readonly WorkspacePackage[]): SourceFile[] {
  return workspace.flatMap((pkg) =>
    SOURCE_FOLDERS.map((folder) => `${pkg.dir}/${folder}`)
      .filter((dir) => existsSync(join(root, dir)))
      .flatMap((dir) =>
        readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
          .filter((entry) => entry.isFile() && SOURCE_EXTENSIONS.test(entry.name))
          .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join("/"))
          .filter((path) => !path.split("/").includes("node_modules"))
          .map((path) => ({ path, text: readFileSync(join(root, path), "utf8") })),
      ),
  );
}
