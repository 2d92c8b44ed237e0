import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MapTaskRepository, tryIt } from "../examples/map-task-repository.ts";
import { anId, taskRepositoryContract } from "../src/testing/index.ts";

const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const EXAMPLE = readFileSync(new URL("../examples/map-task-repository.ts", import.meta.url), "utf8");

describe("the README's example of plugging in your own storage", () => {
  it("is the compiled file examples/map-task-repository.ts, word for word", () => {
    expect(README).toContain(`\`\`\`ts\n${EXAMPLE}\`\`\``);
  });

  it("runs the use cases on its repository", async () => {
    expect(await tryIt()).toEqual({ count: 1, title: "Write the README", bobGets: "TASK_NOT_FOUND" });
  });

  describe("its MapTaskRepository", () =>
    taskRepositoryContract({ describe, it, beforeAll, afterAll, expect }, async () => ({
      tasks: new MapTaskRepository(),
      newOwner: async () => anId(),
    })));
});
