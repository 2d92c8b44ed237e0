import {
  type HistoryEntry,
  type HistoryRepository,
  type TaskRepository,
  UserGone,
  type UserRepository,
} from "../index.ts";
import { anId, aTask, aUser, minutes } from "./builders.ts";
import type { ContractTestApi } from "./contract-test-api.ts";
import { START } from "./fake-clock.ts";

/** What the history contract runs on: the history, and the users and tasks whose deletion it outlives. */
export interface HistoryStorageUnderTest {
  readonly history: HistoryRepository;
  readonly users: UserRepository;
  readonly tasks: TaskRepository;
}

const NOT_AN_ID = "not-an-id";
const at = (minutesAfterStart: number) => new Date(START.getTime() + minutes(minutesAfterStart));

/** What every `HistoryRepository` must do, whatever it stores in. */
export function historyRepositoryContract(t: ContractTestApi, open: () => Promise<HistoryStorageUnderTest>): void {
  const { it, beforeAll, expect } = t;
  let storage: HistoryStorageUnderTest;
  let history: HistoryRepository;

  beforeAll(async () => {
    storage = await open();
    history = storage.history;
  });

  /** A stored staff user, who acts in the entries. */
  async function staff() {
    const user = aUser({ isStaff: true });
    await storage.users.add(user);
    return user;
  }

  /** An entry by `userId` about a task of `objectId`, at `minute` after START. */
  function anEntry(overrides: Partial<HistoryEntry> & { userId: string | null }, minute = 0): HistoryEntry {
    return {
      id: anId(),
      actionTime: at(minute),
      username: "staff",
      objectType: "task",
      objectId: anId(),
      objectRepr: "Write the report",
      action: "change",
      changeMessage: "Changed Title.",
      ...overrides,
    };
  }

  async function added(entries: HistoryEntry[]): Promise<HistoryEntry[]> {
    for (const entry of entries) await history.add(entry);
    return entries;
  }

  it("refuses an entry by a staff member deleted meanwhile with UserGone, storing nothing", async () => {
    const user = await staff();
    await storage.users.delete(user.id);
    const entry = anEntry({ userId: user.id, objectType: "user", objectId: anId() });

    const adding = history.add(entry);
    await expect(adding).rejects.toBeInstanceOf(UserGone);
    await expect(adding).rejects.toMatchObject({ userId: user.id });
    expect(await history.listForObject("user", entry.objectId)).toEqual([]);
  });

  it("stores an entry with every field, to the millisecond, and a 200-character name of any characters", async () => {
    const user = await staff();
    const entry = anEntry({
      userId: user.id,
      username: user.username,
      objectType: "user",
      objectId: user.id,
      objectRepr: "\u{1D49C}".repeat(200),
      action: "addition",
      actionTime: new Date("2025-03-02T10:11:12.345Z"),
      changeMessage: "Added.",
    });
    await history.add(entry);
    expect(await history.listForObject("user", user.id)).toEqual([entry]);
  });

  it("refuses a second entry of the same id, keeping the first", async () => {
    const entry = anEntry({ userId: (await staff()).id });
    await history.add(entry);
    await expect(history.add({ ...entry, changeMessage: "Changed Status." })).rejects.toBeInstanceOf(Error);
    expect(await history.listForObject(entry.objectType, entry.objectId)).toEqual([entry]);
  });

  it("lists an object's entries oldest first, the id breaking ties, and no other object's", async () => {
    const user = await staff();
    const objectId = anId();
    const [late, tiedFirst, tiedSecond, early] = await added([
      anEntry({ userId: user.id, objectId, action: "deletion", changeMessage: "Deleted." }, 30),
      anEntry({ userId: user.id, objectId }, 20),
      anEntry({ userId: user.id, objectId }, 20),
      anEntry({ userId: user.id, objectId, action: "addition", changeMessage: "Added." }, 10),
    ]);
    // The same id under the other type, and another task: neither is this object.
    await added([anEntry({ userId: user.id, objectId, objectType: "user" }), anEntry({ userId: user.id }, 15)]);
    expect(await history.listForObject("task", objectId)).toEqual([early, tiedFirst, tiedSecond, late]);
    expect(await history.listForObject("task", anId())).toEqual([]);
    expect(await history.listForObject("task", NOT_AN_ID)).toEqual([]);
  });

  it("lists a user's recent actions newest first, the id breaking ties, at most `limit` of them", async () => {
    const [user, other] = [await staff(), await staff()];
    const [first, tiedFirst, tiedSecond, last] = await added([
      anEntry({ userId: user.id }, 1),
      anEntry({ userId: user.id }, 2),
      anEntry({ userId: user.id }, 2),
      anEntry({ userId: user.id }, 3),
    ]);
    await added([anEntry({ userId: other.id }, 4)]);
    expect(await history.recentByUser(user.id, 10)).toEqual([last, tiedSecond, tiedFirst, first]);
    expect(await history.recentByUser(user.id, 2)).toEqual([last, tiedSecond]);
    expect(await history.recentByUser(user.id, 0)).toEqual([]);
    expect(await history.recentByUser(anId(), 10)).toEqual([]);
    expect(await history.recentByUser(NOT_AN_ID, 10)).toEqual([]);
  });

  it("keeps a deleted user's entries, without the user but with the username as it was", async () => {
    const user = await staff();
    const entry = (await added([anEntry({ userId: user.id, username: user.username })]))[0] as HistoryEntry;
    expect(await storage.users.delete(user.id)).toBe(true);
    expect(await history.listForObject(entry.objectType, entry.objectId)).toEqual([{ ...entry, userId: null }]);
    expect(await history.recentByUser(user.id, 10)).toEqual([]);
  });

  it("still lists the entries of an object deleted since", async () => {
    const [user, owner] = [await staff(), aUser()];
    await storage.users.add(owner);
    const task = aTask({ ownerId: owner.id });
    await storage.tasks.add(task);
    const entries = await added([
      anEntry({ userId: user.id, objectId: task.id, action: "addition", changeMessage: "Added." }, 1),
      anEntry({ userId: user.id, objectId: task.id, action: "deletion", changeMessage: "Deleted." }, 2),
    ]);
    expect(await storage.tasks.delete(task.id)).toBe(true);
    expect(await history.listForObject("task", task.id)).toEqual(entries);
  });
}
