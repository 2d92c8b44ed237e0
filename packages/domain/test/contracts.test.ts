import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  anId,
  aUser,
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
  describe("TaskRepository, checking owners", () =>
    taskRepositoryContract(
      t,
      async () => {
        const { tasks, users } = fakePorts();
        tasks.users = users;
        return {
          tasks,
          newOwner: async () => {
            const owner = aUser();
            await users.add(owner);
            return owner.id;
          },
          deleteOwner: async (id) => {
            await users.delete(id);
          },
        };
      },
      { checksOwners: true },
    ));
  describe("UserRepository", () => userRepositoryContract(t, async () => fakePorts()));
  describe("SessionRepository", () => sessionRepositoryContract(t, async () => fakePorts()));
  describe("HistoryRepository", () =>
    historyRepositoryContract(t, async () => {
      const ports = fakePorts();
      ports.history.users = ports.users;
      return ports;
    }));
  describe("UnitOfWork", () => unitOfWorkContract(t, async () => fakePorts()));
});
