import { UserGone, UsernameTaken } from "../index.ts";
import { aSession, aTask, aUser } from "./builders.ts";
import type { ContractTestApi } from "./contract-test-api.ts";
import type { StorageUnderTest } from "./user-repository-contract.ts";

/** What every `UnitOfWork` must do over the repositories of its storage. */
export function unitOfWorkContract(t: ContractTestApi, open: () => Promise<StorageUnderTest>): void {
  const { it, beforeAll, expect } = t;
  let storage: StorageUnderTest;

  beforeAll(async () => {
    storage = await open();
  });

  it("commits every write of a transaction together, and reads them inside it before the commit", async () => {
    const user = aUser();
    const task = aTask({ ownerId: user.id });
    await storage.unitOfWork.transaction(async () => {
      await storage.users.add(user);
      await storage.tasks.add(task);
      expect(await storage.tasks.findById(task.id)).toEqual(task);
      expect(await storage.tasks.update(task.id, { title: "Changed inside" }, task.updatedAt, user.id)).toMatchObject({
        title: "Changed inside",
      });
    });
    expect(await storage.tasks.findById(task.id)).toMatchObject({
      id: task.id,
      ownerId: user.id,
      title: "Changed inside",
    });
  });

  it("rolls every write back when the work throws, and rethrows its error", async () => {
    const user = aUser();
    const task = aTask({ ownerId: user.id });
    const failure = new Error("changed my mind");
    await expect(
      storage.unitOfWork.transaction(async () => {
        await storage.users.add(user);
        await storage.tasks.add(task);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await storage.users.findById(user.id)).toBeNull();
    expect(await storage.tasks.findById(task.id)).toBeNull();
  });

  it("rolls back a transaction whose username clashes, reporting UsernameTaken", async () => {
    const taken = aUser();
    await storage.users.add(taken);
    const newcomer = aUser();
    await expect(
      storage.unitOfWork.transaction(async () => {
        await storage.users.add(newcomer);
        await storage.users.add(aUser({ username: taken.username.toUpperCase() }));
      }),
    ).rejects.toBeInstanceOf(UsernameTaken);
    expect(await storage.users.findById(newcomer.id)).toBeNull();
  });

  it("rolls back a transaction whose login names a user deleted meanwhile, reporting UserGone, and goes on", async () => {
    const gone = aUser();
    await storage.users.add(gone);
    await storage.users.delete(gone.id);
    const written = aUser();
    const storing = storage.unitOfWork.transaction(async () => {
      await storage.users.add(written);
      await storage.sessions.add(aSession({ userId: gone.id }));
    });
    await expect(storing).rejects.toBeInstanceOf(UserGone);
    await expect(storing).rejects.toMatchObject({ userId: gone.id });
    expect(await storage.users.findById(written.id)).toBeNull();

    await storage.unitOfWork.transaction(() => storage.users.add(written));
    expect(await storage.users.findById(written.id)).toEqual(written);
  });
}
