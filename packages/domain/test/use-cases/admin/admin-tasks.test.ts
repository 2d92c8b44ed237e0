import { beforeEach, describe, expect, it } from "vitest";
import {
  AdminAddTask,
  AdminChangeTask,
  AdminDeleteTasks,
  ObjectHistory,
  type StaffMember,
  TaskNotFound,
  unknownOwner,
} from "../../../src/index.ts";
import {
  aStoredTask,
  aStoredUser,
  type FakePorts,
  fakePorts,
  minutes,
  START,
  text,
} from "../../../src/testing/index.ts";
import {
  aStaffMember,
  expectOneCommittedTransaction,
  invalidWithoutWrites,
  refusedWithoutWrites,
  writesSince,
} from "./admin-fixtures.ts";

let ports: FakePorts;
let sam: StaffMember;

beforeEach(async () => {
  ports = fakePorts();
  sam = await aStaffMember(ports);
});

const REQUIRED = ["This field is required."];

describe("AdminAddTask", () => {
  it("adds a task for the owner it names, and records the addition in the same transaction", async () => {
    const alice = await aStoredUser(ports, { username: "alice" });
    ports.clock.advance(minutes(5));
    const from = ports.log.records.length;

    const task = await new AdminAddTask(ports).execute({
      staff: sam,
      owner: "alice",
      changes: { title: "  Call the plumber ", description: "Leak", status: "doing" },
    });

    const now = new Date(START.getTime() + minutes(5));
    expect(task).toMatchObject({ ownerId: alice.id, title: "Call the plumber", description: "Leak", status: "doing" });
    expect(task.createdAt).toEqual(now);
    expect(await ports.tasks.findById(task.id)).toEqual(task);
    const writes = writesSince(ports, from);
    expect(writes.map(({ repository, operation }) => `${repository} ${operation}`)).toEqual([
      "tasks add",
      "history add",
    ]);
    expectOneCommittedTransaction(ports, writes);
    expect(await new ObjectHistory(ports).execute({ objectType: "task", objectId: task.id })).toEqual([
      {
        id: expect.any(String),
        actionTime: now,
        userId: sam.userId,
        username: "sam",
        objectType: "task",
        objectId: task.id,
        objectRepr: "Call the plumber",
        action: "addition",
        changeMessage: "Added.",
      },
    ]);
  });

  it("takes the owner's username in any case, and gives the omitted fields their defaults", async () => {
    const alice = await aStoredUser(ports, { username: "alice" });

    const task = await new AdminAddTask(ports).execute({ staff: sam, owner: " ALICE ", changes: { title: "x" } });

    expect(task).toMatchObject({ ownerId: alice.id, description: "", status: "todo" });
  });

  it("lets staff add a task for a staff member or a superuser too", async () => {
    const root = await aStoredUser(ports, { username: "root", isStaff: true, isSuperuser: true });

    expect(await new AdminAddTask(ports).execute({ staff: sam, owner: "root", changes: { title: "x" } })).toMatchObject(
      {
        ownerId: root.id,
      },
    );
  });

  it("reports every invalid field at once, the owner included, and writes nothing", async () => {
    const errors = await invalidWithoutWrites(ports, () =>
      new AdminAddTask(ports).execute({ staff: sam, owner: "", changes: { title: "  ", status: "later" } }),
    );

    expect(Object.keys(errors).sort()).toEqual(["owner", "status", "title"]);
    expect(errors.owner).toEqual(REQUIRED);
    expect(errors.title).toEqual(["This field may not be blank."]);
  });

  it.each([
    ["a username nobody has", "nobody"],
    ["a name no user can have", "no spaces allowed"],
    ["a name past any username's length", text(151)],
  ])("refuses %s as owner, naming it, writing nothing", async (_, owner) => {
    const errors = await invalidWithoutWrites(ports, () =>
      new AdminAddTask(ports).execute({ staff: sam, owner, changes: { title: "x" } }),
    );

    expect(errors).toEqual({ owner: [`No user named "${owner}".`] });
    expect(unknownOwner(` ${owner} `)).toBe(`No user named "${owner}".`);
  });

  it("treats an owner of only white space as missing", async () => {
    const errors = await invalidWithoutWrites(ports, () =>
      new AdminAddTask(ports).execute({ staff: sam, owner: "   ", changes: { title: "x" } }),
    );

    expect(errors).toEqual({ owner: REQUIRED });
  });
});

describe("AdminChangeTask", () => {
  it("writes every field and a new owner, and records which fields changed in the same transaction", async () => {
    const alice = await aStoredUser(ports, { username: "alice" });
    const bob = await aStoredUser(ports, { username: "bob" });
    const { task } = await aStoredTask(ports, { ownerId: alice.id, title: "Old", description: "same" });
    ports.clock.advance(minutes(1));
    const from = ports.log.records.length;

    const changed = await new AdminChangeTask(ports).execute({
      staff: sam,
      id: task.id,
      owner: "bob",
      changes: { title: "New", description: "same", status: "done" },
    });

    expect(changed).toMatchObject({ id: task.id, ownerId: bob.id, title: "New", description: "same", status: "done" });
    expect(changed.createdAt).toEqual(task.createdAt);
    expect(changed.updatedAt).toEqual(new Date(START.getTime() + minutes(1)));
    expect(await ports.tasks.findById(task.id)).toEqual(changed);
    const writes = writesSince(ports, from);
    expect(writes.map(({ repository, operation }) => `${repository} ${operation}`)).toEqual([
      "tasks update",
      "history add",
    ]);
    expectOneCommittedTransaction(ports, writes);
    expect(await new ObjectHistory(ports).execute({ objectType: "task", objectId: task.id })).toMatchObject([
      { action: "change", objectRepr: "New", changeMessage: "Changed Title, Status and Owner.", userId: sam.userId },
    ]);
  });

  it.each([
    [{ title: "New", status: "done" }, "alice", "Changed Title and Status."],
    [{ title: "Old" }, "bob", "Changed Owner."],
    [{ title: "Old" }, "ALICE", "No fields changed."],
    [{ title: "Old", description: "more" }, "alice", "Changed Description."],
  ])("with %j for %s, says %s", async (changes, owner, message) => {
    const alice = await aStoredUser(ports, { username: "alice" });
    await aStoredUser(ports, { username: "bob" });
    const { task } = await aStoredTask(ports, { ownerId: alice.id, title: "Old" });

    await new AdminChangeTask(ports).execute({ staff: sam, id: task.id, owner, changes });

    expect(await new ObjectHistory(ports).execute({ objectType: "task", objectId: task.id })).toMatchObject([
      { changeMessage: message },
    ]);
  });

  it("puts the fields the form left out back to their defaults, as a full replacement", async () => {
    const alice = await aStoredUser(ports, { username: "alice" });
    const { task } = await aStoredTask(ports, { ownerId: alice.id, description: "details", status: "doing" });

    const changed = await new AdminChangeTask(ports).execute({
      staff: sam,
      id: task.id,
      owner: "alice",
      changes: { title: task.title },
    });

    expect(changed).toMatchObject({ description: "", status: "todo" });
    expect(await new ObjectHistory(ports).execute({ objectType: "task", objectId: task.id })).toMatchObject([
      { changeMessage: "Changed Description and Status." },
    ]);
  });

  it("reports every invalid field at once and leaves the task as it was", async () => {
    const alice = await aStoredUser(ports, { username: "alice" });
    const { task } = await aStoredTask(ports, { ownerId: alice.id });

    const errors = await invalidWithoutWrites(ports, () =>
      new AdminChangeTask(ports).execute({ staff: sam, id: task.id, owner: "nobody", changes: { title: text(201) } }),
    );

    expect(errors).toEqual({
      title: ["Ensure this field has no more than 200 characters."],
      owner: ['No user named "nobody".'],
    });
    expect(await ports.tasks.findById(task.id)).toBe(task);
  });

  it("reports an unknown id as TaskNotFound, before looking at the fields", async () => {
    await refusedWithoutWrites(
      ports,
      () => new AdminChangeTask(ports).execute({ staff: sam, id: "no-such-id", owner: "", changes: {} }),
      TaskNotFound,
    );
  });

  it("reports a task deleted between its read and its write as TaskNotFound, recording nothing", async () => {
    const alice = await aStoredUser(ports, { username: "alice" });
    const { task } = await aStoredTask(ports, { ownerId: alice.id });
    const find = ports.tasks.findById.bind(ports.tasks);
    ports.tasks.findById = async (id) => {
      const found = await find(id);
      await ports.tasks.delete(id);
      return found;
    };

    await expect(
      new AdminChangeTask(ports).execute({ staff: sam, id: task.id, owner: "alice", changes: { title: "x" } }),
    ).rejects.toBeInstanceOf(TaskNotFound);

    expect(await find(task.id)).toBeNull();
    expect(await ports.history.listForObject("task", task.id)).toEqual([]);
    expect(ports.unitOfWork.transactions.at(-1)?.outcome).toBe("rolled back");
  });
});

describe("AdminDeleteTasks", () => {
  it("deletes the tasks, each recorded in the history, all in one transaction", async () => {
    const alice = await aStoredUser(ports, { username: "alice" });
    const { task: first } = await aStoredTask(ports, { ownerId: alice.id, title: "First" });
    const { task: second } = await aStoredTask(ports, { ownerId: alice.id, title: "Second" });
    const { task: kept } = await aStoredTask(ports, { ownerId: alice.id, title: "Kept" });
    const from = ports.log.records.length;

    const deleted = await new AdminDeleteTasks(ports).execute({ staff: sam, ids: [first.id, second.id] });

    expect(deleted).toEqual([first, second]);
    expect(await ports.tasks.findById(first.id)).toBeNull();
    expect(await ports.tasks.findById(second.id)).toBeNull();
    expect(await ports.tasks.findById(kept.id)).toBe(kept);
    const writes = writesSince(ports, from);
    expect(writes.map(({ repository, operation }) => `${repository} ${operation}`)).toEqual([
      "tasks delete",
      "history add",
      "tasks delete",
      "history add",
    ]);
    expectOneCommittedTransaction(ports, writes);
    expect(await ports.history.listForObject("task", first.id)).toMatchObject([
      { action: "deletion", objectRepr: "First", changeMessage: "Deleted.", userId: sam.userId, username: "sam" },
    ]);
  });

  it("counts an id named twice once and skips one that is already gone", async () => {
    const { task } = await aStoredTask(ports);

    const deleted = await new AdminDeleteTasks(ports).execute({ staff: sam, ids: [task.id, "gone-id", task.id] });

    expect(deleted).toEqual([task]);
    expect(await ports.history.listForObject("task", task.id)).toHaveLength(1);
    expect(await ports.history.listForObject("task", "gone-id")).toEqual([]);
  });

  it("skips, without a history entry, a task deleted by someone else between its read and its deletion", async () => {
    const { task } = await aStoredTask(ports);
    const find = ports.tasks.findById.bind(ports.tasks);
    ports.tasks.findById = async (id) => {
      const found = await find(id);
      await ports.tasks.delete(id);
      return found;
    };

    expect(await new AdminDeleteTasks(ports).execute({ staff: sam, ids: [task.id] })).toEqual([]);
    expect(await ports.history.listForObject("task", task.id)).toEqual([]);
  });

  it("deletes nothing and records nothing for an empty selection", async () => {
    const from = ports.log.records.length;

    expect(await new AdminDeleteTasks(ports).execute({ staff: sam, ids: [] })).toEqual([]);
    expect(writesSince(ports, from)).toEqual([]);
  });

  it("keeps a deleted task's history, oldest first", async () => {
    const alice = await aStoredUser(ports, { username: "alice" });
    const task = await new AdminAddTask(ports).execute({ staff: sam, owner: "alice", changes: { title: "A" } });
    ports.clock.advance(minutes(1));
    await new AdminChangeTask(ports).execute({
      staff: sam,
      id: task.id,
      owner: alice.username,
      changes: { title: "B" },
    });
    ports.clock.advance(minutes(1));
    await new AdminDeleteTasks(ports).execute({ staff: sam, ids: [task.id] });

    const history = await new ObjectHistory(ports).execute({ objectType: "task", objectId: task.id });
    expect(history.map((entry) => [entry.action, entry.objectRepr, entry.changeMessage])).toEqual([
      ["addition", "A", "Added."],
      ["change", "B", "Changed Title."],
      ["deletion", "B", "Deleted."],
    ]);
    expect(await new ObjectHistory(ports).execute({ objectType: "user", objectId: task.id })).toEqual([]);
  });
});
