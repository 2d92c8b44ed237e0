import { describe, expect, it } from "vitest";
import { UsernameTaken } from "../src/index.ts";
import { aUser, InMemoryHistoryRepository, InMemoryUserRepository, START } from "../src/testing/index.ts";

// The promises of the ports' web admin members that the admin use-case tests lean on and
// do not reach themselves.

describe("InMemoryUserRepository.updateProfile", () => {
  it("writes the flags alone, keeping the username, password and active status", async () => {
    const users = new InMemoryUserRepository();
    const alice = aUser({ username: "alice", isActive: false, tokenVersion: 4 });
    await users.add(alice);

    const changed = await users.updateProfile(alice.id, { isStaff: true, isSuperuser: true });

    expect(changed).toEqual({ ...alice, isStaff: true, isSuperuser: true });
    expect(await users.findById(alice.id)).toEqual(changed);
  });

  it("refuses another user's username in any case, and answers null for a user who is gone", async () => {
    const users = new InMemoryUserRepository();
    const alice = aUser({ username: "alice" });
    await users.add(alice);
    await users.add(aUser({ username: "bob" }));

    await expect(users.updateProfile(alice.id, { username: "BOB" })).rejects.toThrow(UsernameTaken);
    expect(await users.updateProfile(alice.id, { username: "ALICE" })).toMatchObject({ username: "ALICE" });
    expect(await users.updateProfile("gone-id", { email: "x@example.com" })).toBeNull();
  });
});

describe("InMemoryHistoryRepository", () => {
  it("refuses a second entry with the same id: entries are only ever added", async () => {
    const history = new InMemoryHistoryRepository();
    const entry = {
      id: "entry-id",
      actionTime: START,
      userId: "sam-id",
      username: "sam",
      objectType: "task",
      objectId: "task-id",
      objectRepr: "Write the report",
      action: "addition",
      changeMessage: "Added.",
    } as const;
    await history.add(entry);

    await expect(history.add({ ...entry, changeMessage: "Changed." })).rejects.toThrow(/duplicate history entry/);
    expect(await history.listForObject("task", "task-id")).toEqual([entry]);
  });
});
