import { readFileSync } from "node:fs";
import { POSTGRES_IMAGE } from "@tasks/testing";
import { expect, it } from "vitest";
import { parse } from "yaml";

it("starts the PostgreSQL image in Testcontainers that docker-compose.yml runs", () => {
  const compose = parse(readFileSync(new URL("../docker-compose.yml", import.meta.url), "utf8")) as {
    services: { postgres: { image: string } };
  };
  expect(POSTGRES_IMAGE).toBe(compose.services.postgres.image);
});
