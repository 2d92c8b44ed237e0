import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  anId,
  fakePorts,
  historyRepositoryContract,
  sessionRepositoryContract,
  taskRepositoryContract,
  unitOfWorkContract,
  userRepositoryContract,
} from "../src/testing/index.ts";

const t = { describe, it, beforeAll, afterAll, expect };

describe("the in-memory fakes", () => {
  describe("TaskRepository", () =>
    taskRepositoryContract(t, async () => ({ tasks: fakePorts().tasks, newOwner: async () => anId() })));
  describe("UserRepository", () => userRepositoryContract(t, async () => fakePorts()));
  describe("SessionRepository", () => sessionRepositoryContract(t, async () => fakePorts()));
  describe("HistoryRepository", () => historyRepositoryContract(t, async () => fakePorts()));
  describe("UnitOfWork", () => unitOfWorkContract(t, async () => fakePorts()));
});
