import { beforeEach, describe, expect, it, vi } from "vitest";
import {
  AdminAddTask,
  AdminChangeTask,
  ObjectHistory,
  RECENT_ACTIONS_LIMIT,
  RecentActions,
  type StaffMember,
} from "../../../src/index.ts";
import { aStoredUser, type FakePorts, fakePorts, minutes } from "../../../src/testing/index.ts";
import { recordHistory } from "../../../src/use-cases/admin/history.ts";
import { aStaffMember, aSuperuser } from "./admin-fixtures.ts";

let ports: FakePorts;
let sam: StaffMember;
let root: StaffMember;

beforeEach(async () => {
  ports = fakePorts();
  sam = await aStaffMember(ports, "sam");
  root = await aSuperuser(ports, "root");
  await aStoredUser(ports, { username: "alice" });
});

function addTask(staff: StaffMember, title: string) {
  return new AdminAddTask(ports).execute({ staff, owner: "alice", changes: { title } });
}

describe("RecentActions", () => {
  it("lists the staff member's own last 10 changes, newest first", async () => {
    for (let n = 1; n <= 12; n += 1) {
      await addTask(sam, `Task ${n}`);
      await addTask(root, `Root's ${n}`);
      ports.clock.advance(minutes(1));
    }

    const recent = await new RecentActions(ports).execute({ staff: sam });

    expect(RECENT_ACTIONS_LIMIT).toBe(10);
    expect(recent.map((entry) => entry.objectRepr)).toEqual([
      "Task 12",
      "Task 11",
      "Task 10",
      "Task 9",
      "Task 8",
      "Task 7",
      "Task 6",
      "Task 5",
      "Task 4",
      "Task 3",
    ]);
    expect(recent.every((entry) => entry.userId === sam.userId && entry.username === "sam")).toBe(true);
  });

  it("puts the later of two changes made at one instant first", async () => {
    await addTask(sam, "First");
    await addTask(sam, "Second");

    expect((await new RecentActions(ports).execute({ staff: sam })).map((entry) => entry.objectRepr)).toEqual([
      "Second",
      "First",
    ]);
  });

  it("is empty for a staff member who changed nothing", async () => {
    await addTask(root, "Root's");

    expect(await new RecentActions(ports).execute({ staff: sam })).toEqual([]);
  });
});

describe("ObjectHistory", () => {
  it("lists every change to one object by anyone, oldest first, and no other object's", async () => {
    const task = await addTask(sam, "Draft");
    await addTask(sam, "Another");
    ports.clock.advance(minutes(1));
    await new AdminChangeTask(ports).execute({ staff: root, id: task.id, owner: "alice", changes: { title: "Final" } });

    const history = await new ObjectHistory(ports).execute({ objectType: "task", objectId: task.id });

    expect(history.map((entry) => [entry.username, entry.action, entry.objectRepr])).toEqual([
      ["sam", "addition", "Draft"],
      ["root", "change", "Final"],
    ]);
  });

  it("keeps two entries of one instant in the order they were made", async () => {
    const object = { type: "user", id: "some-user-id", repr: "someone" } as const;
    await recordHistory(ports, sam, object, "change", "First.");
    await recordHistory(ports, sam, object, "change", "Second.");

    const history = await new ObjectHistory(ports).execute({ objectType: "user", objectId: "some-user-id" });

    expect(history.map((entry) => entry.changeMessage)).toEqual(["First.", "Second."]);
  });

  it("answers an id that storage cannot hold (a NUL) with no entries, without asking the repository", async () => {
    const listForObject = vi.spyOn(ports.history, "listForObject");

    expect(await new ObjectHistory(ports).execute({ objectType: "task", objectId: "a\u0000b" })).toEqual([]);
    expect(listForObject).not.toHaveBeenCalled();
  });

  it("tells a task's history from a user's of the same id", async () => {
    await recordHistory(ports, sam, { type: "user", id: "same-id", repr: "a user" }, "change", "Changed.");

    expect(await new ObjectHistory(ports).execute({ objectType: "task", objectId: "same-id" })).toEqual([]);
  });
});
