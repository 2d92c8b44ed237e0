import { existsSync, readdirSync, readFileSync } from "node:fs";
import type { IConfiguration } from "dependency-cruiser";

/**
 * The package rules of the monorepo, checked by dependency-cruiser in `pnpm test`
 * (`test/dependency-rules.test.ts`): apps -> adapters -> domain, nothing imports an app,
 * shipped code reaches no devDependency, and every import is declared.
 *
 * Symlinks are kept, so a workspace package imported by name is seen where pnpm links it
 * (`apps/api/node_modules/@tasks/domain/src/index.ts`) and its dependency type comes from
 * the importer's own package.json, as for any other package. A relative import is seen at
 * the file it names.
 */

/** The names of the workspace packages in a folder of the repository, as a regular expression. */
function packageNames(folder: string): string {
  const names = readdirSync(new URL(`${folder}/`, import.meta.url), { withFileTypes: true })
    .map((entry) => new URL(`${folder}/${entry.name}/package.json`, import.meta.url))
    .filter((manifest) => existsSync(manifest))
    .map((manifest) => (JSON.parse(readFileSync(manifest, "utf8")) as { name: string }).name.replace(/[.]/g, "\\."));
  return `(?:${names.join("|")})`;
}

const APP = `(^|/)node_modules/${packageNames("apps")}/`;
const WORKSPACE_PACKAGE = `(^|/)node_modules/(?:${packageNames("packages")}|${packageNames("apps")})/`;
// What a package ships: its sources and its executables. Everything else in its folder
// (tests, test support, benchmarks, scripts) is development code. $1 is the package's folder.
const SHIPPED = "^((?:packages|apps)/[^/]+)/(?:src|bin)/";

const config: IConfiguration = {
  forbidden: [
    {
      name: "domain-imports-only-its-own-files",
      comment:
        "The domain imports nothing but its own files, by relative path: no package, no node: module, " +
        "no other workspace package, not itself by name.",
      severity: "error",
      from: { path: "^packages/domain/src/" },
      to: { dependencyTypesNot: ["local"] },
    },
    {
      name: "domain-uses-no-other-workspace-package",
      comment: "Not even the domain's tests use an adapter or an app.",
      severity: "error",
      from: { path: "^packages/domain/" },
      to: { path: WORKSPACE_PACKAGE },
    },
    {
      name: "no-app-imported",
      comment: "Nothing imports an app, not even another app: apps are where the dependencies end.",
      severity: "error",
      from: {},
      to: { path: APP },
    },
    {
      name: "no-reaching-into-another-package",
      comment:
        "A package reaches another one through its name and its exports, never by a relative path " +
        "into its folder.",
      severity: "error",
      from: { path: "^((?:packages|apps)/[^/]+)/" },
      to: { dependencyTypes: ["local"], pathNot: "^$1/" },
    },
    {
      name: "no-reaching-into-another-package",
      comment: "The repository's own tests and scripts reach a package through its name too.",
      severity: "error",
      from: { pathNot: "^(?:packages|apps)/" },
      to: { dependencyTypes: ["local"], path: "^(?:packages|apps)/" },
    },
    {
      name: "shipped-code-imports-only-shipped-files",
      comment: "A package's src/ and bin/ import no test, test support, benchmark or script of its own.",
      severity: "error",
      from: { path: SHIPPED },
      to: { dependencyTypes: ["local"], path: "^$1/", pathNot: "^$1/(?:src|bin)/" },
    },
    {
      name: "shipped-code-imports-only-shipped-files",
      comment: "Nor of another package: an export outside src/ (such as @tasks/persistence/testing) is test support.",
      severity: "error",
      from: { path: SHIPPED },
      to: { path: WORKSPACE_PACKAGE, pathNot: `${WORKSPACE_PACKAGE}(?:src|bin)/` },
    },
    {
      name: "shipped-code-imports-no-dev-dependency",
      comment:
        "What a package ships imports nothing that is only in its devDependencies: a production install " +
        "does not have it. Type-only imports are erased when compiled, so they may.",
      severity: "error",
      from: { path: SHIPPED },
      to: { dependencyTypes: ["npm-dev"], dependencyTypesNot: ["npm", "npm-optional", "npm-peer", "type-only"] },
    },
    {
      name: "every-import-declared",
      comment:
        "A package imports only what its own package.json declares. The one exception: every package's " +
        "tests run under the Vitest that the root package.json declares.",
      severity: "error",
      from: { pathNot: SHIPPED },
      to: { dependencyTypes: ["npm-no-pkg", "npm-unknown"], pathNot: "^node_modules/vitest/" },
    },
    {
      name: "every-import-declared",
      comment: "A package imports only what its own package.json declares.",
      severity: "error",
      from: { path: SHIPPED },
      to: { dependencyTypes: ["npm-no-pkg", "npm-unknown"] },
    },
    {
      name: "every-import-resolves",
      comment: "An import that resolves to no file is a missing file or a package that is not installed.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    preserveSymlinks: true,
    doNotFollow: { path: "node_modules" },
    // Built and measured files are not code; the packages' Vitest configurations are tooling
    // and extend the root's shared one by path on purpose.
    exclude: { path: "^(?:packages|apps)/[^/]+/(?:dist/|coverage/|vitest[.]config[.]ts$)" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      // Workspace packages resolve to their TypeScript sources, as in the tests and type checks.
      conditionNames: ["source", "import", "require", "node", "default"],
      exportsFields: ["exports"],
    },
  },
};

export default config;
