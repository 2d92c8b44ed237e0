import { describe } from "vitest";
import { testEngines } from "../testing/index.ts";
import { repositoryContract } from "./repository-contract.ts";

const ENGINE_NAMES = { pglite: "PGlite (in memory)", postgresql: "PostgreSQL" } as const;

for (const engine of await testEngines("repository contract"))
  describe(`repository contract on ${ENGINE_NAMES[engine]}`, () => repositoryContract(engine));
