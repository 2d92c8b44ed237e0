import { beforeEach, describe, expect, it } from "vitest";
import {
  CreateTask,
  DeleteTask,
  GetTask,
  GetTaskWithOwner,
  OPERATOR,
  ReplaceTask,
  TaskNotFound,
  UpdateTask,
  userActor,
  ValidationError,
} from "../../src/index.ts";
import {
  aStoredTask,
  aStoredUser,
  aTask,
  type FakePorts,
  fakePorts,
  InMemoryTaskRepository,
  minutes,
  START,
} from "../../src/testing/index.ts";

let ports: FakePorts;

beforeEach(() => {
  ports = fakePorts();
});

const STRANGER = userActor("someone-else");

describe("CreateTask", () => {
  it("stores a task owned by the caller, with a new id and the current time", async () => {
    const task = await new CreateTask(ports).execute({
      actor: userActor("alice-id"),
      changes: { title: "  Buy milk " },
    });

    expect(task).toMatchObject({ id: ports.ids.issued[0], ownerId: "alice-id", title: "Buy milk", status: "todo" });
    expect(task.createdAt).toEqual(START);
    expect(await ports.tasks.findById(task.id)).toBe(task);
  });

  it("stores nothing when a field is invalid", async () => {
    await expect(
      new CreateTask(ports).execute({ actor: userActor("alice-id"), changes: { title: "", status: "nope" } }),
    ).rejects.toThrow(ValidationError);
    expect(ports.log.records).toEqual([]);
  });
});

describe("GetTask", () => {
  it("gives the owner their task", async () => {
    const { task, owner } = await aStoredTask(ports);

    expect(await new GetTask(ports).execute({ actor: owner, id: task.id })).toBe(task);
  });

  it("gives the operator anyone's task", async () => {
    const { task } = await aStoredTask(ports);

    expect(await new GetTask(ports).execute({ actor: OPERATOR, id: task.id })).toBe(task);
  });

  it("reports another user's task exactly like a missing one", async () => {
    const { task } = await aStoredTask(ports);

    const othersTask = await new GetTask(ports).execute({ actor: STRANGER, id: task.id }).catch((error) => error);
    const missing = await new GetTask(ports).execute({ actor: STRANGER, id: "no-such-id" }).catch((error) => error);

    expect(othersTask).toBeInstanceOf(TaskNotFound);
    expect(missing).toBeInstanceOf(TaskNotFound);
    expect({ ...othersTask, message: othersTask.message }).toEqual({ ...missing, message: missing.message });
  });
});

describe("GetTaskWithOwner", () => {
  it("gives the operator anyone's task with its owner's username", async () => {
    const alice = await aStoredUser(ports, { username: "alice" });
    const { task } = await aStoredTask(ports, { ownerId: alice.id });

    expect(await new GetTaskWithOwner(ports).execute({ actor: OPERATOR, id: task.id })).toEqual({
      task,
      ownerUsername: "alice",
    });
  });

  it("falls back to the owner id for a task whose owner it cannot name", async () => {
    const { task } = await aStoredTask(ports, { ownerId: "orphan-owner-id" });

    expect(await new GetTaskWithOwner(ports).execute({ actor: OPERATOR, id: task.id })).toEqual({
      task,
      ownerUsername: "orphan-owner-id",
    });
  });

  it("reports a missing task", async () => {
    await expect(new GetTaskWithOwner(ports).execute({ actor: OPERATOR, id: "no-such-id" })).rejects.toThrow(
      TaskNotFound,
    );
  });
});

describe("UpdateTask", () => {
  it("changes the given fields, moves updatedAt, and never moves createdAt", async () => {
    const { task, owner } = await aStoredTask(ports, { title: "Old", description: "keep me", status: "todo" });
    ports.clock.advance(minutes(3));

    const updated = await new UpdateTask(ports).execute({ actor: owner, id: task.id, changes: { status: "done" } });

    expect(updated).toMatchObject({ title: "Old", description: "keep me", status: "done" });
    expect(updated.createdAt).toEqual(task.createdAt);
    expect(updated.updatedAt).toEqual(ports.clock.now());
    expect(await ports.tasks.findById(task.id)).toBe(updated);
  });

  it("lets the operator change anyone's task", async () => {
    const { task } = await aStoredTask(ports);

    const updated = await new UpdateTask(ports).execute({ actor: OPERATOR, id: task.id, changes: { title: "Op" } });

    expect(updated.title).toBe("Op");
  });

  it("reports another user's task as missing and leaves it untouched", async () => {
    const { task } = await aStoredTask(ports);

    await expect(
      new UpdateTask(ports).execute({ actor: STRANGER, id: task.id, changes: { title: "Mine now" } }),
    ).rejects.toThrow(TaskNotFound);
    expect(await ports.tasks.findById(task.id)).toBe(task);
  });

  it("refuses invalid changes and stores nothing", async () => {
    const { task, owner } = await aStoredTask(ports);

    await expect(
      new UpdateTask(ports).execute({ actor: owner, id: task.id, changes: { title: "  " } }),
    ).rejects.toMatchObject({ errors: { title: ["This field may not be blank."] } });
    expect(ports.log.records.filter((record) => record.operation === "update")).toEqual([]);
  });
});

describe("ReplaceTask", () => {
  it("returns omitted fields to their defaults and never moves createdAt", async () => {
    const { task, owner } = await aStoredTask(ports, { description: "old", status: "done" });
    ports.clock.advance(minutes(1));

    const replaced = await new ReplaceTask(ports).execute({ actor: owner, id: task.id, changes: { title: "New" } });

    expect(replaced).toMatchObject({ title: "New", description: "", status: "todo" });
    expect(replaced.createdAt).toEqual(task.createdAt);
    expect(replaced.updatedAt).toEqual(ports.clock.now());
    expect(await ports.tasks.findById(task.id)).toBe(replaced);
  });

  it("lets the operator replace anyone's task", async () => {
    const { task } = await aStoredTask(ports);

    expect(
      (await new ReplaceTask(ports).execute({ actor: OPERATOR, id: task.id, changes: { title: "Op" } })).title,
    ).toBe("Op");
  });

  it("reports another user's task as missing and leaves it untouched", async () => {
    const { task } = await aStoredTask(ports);

    await expect(
      new ReplaceTask(ports).execute({ actor: STRANGER, id: task.id, changes: { title: "Mine" } }),
    ).rejects.toThrow(TaskNotFound);
    expect(await ports.tasks.findById(task.id)).toBe(task);
  });

  it("reports a missing task", async () => {
    await expect(
      new ReplaceTask(ports).execute({ actor: OPERATOR, id: "gone", changes: { title: "x" } }),
    ).rejects.toThrow(TaskNotFound);
  });
});

describe("DeleteTask", () => {
  it("deletes the owner's task", async () => {
    const { task, owner } = await aStoredTask(ports);

    await new DeleteTask(ports).execute({ actor: owner, id: task.id });

    expect(await ports.tasks.findById(task.id)).toBeNull();
  });

  it("lets the operator delete anyone's task", async () => {
    const { task } = await aStoredTask(ports);

    await new DeleteTask(ports).execute({ actor: OPERATOR, id: task.id });

    expect(await ports.tasks.findById(task.id)).toBeNull();
  });

  it("reports another user's task as missing and keeps it", async () => {
    const { task } = await aStoredTask(ports);

    await expect(new DeleteTask(ports).execute({ actor: STRANGER, id: task.id })).rejects.toThrow(TaskNotFound);
    expect(await ports.tasks.findById(task.id)).toBe(task);
  });

  it("reports a task deleted a second time as missing", async () => {
    const { task, owner } = await aStoredTask(ports);
    await new DeleteTask(ports).execute({ actor: owner, id: task.id });

    await expect(new DeleteTask(ports).execute({ actor: owner, id: task.id })).rejects.toThrow(TaskNotFound);
  });

  it("reports a task deleted a second time through another actor as missing", async () => {
    const { task, owner } = await aStoredTask(ports);
    await new DeleteTask(ports).execute({ actor: OPERATOR, id: task.id });

    await expect(new DeleteTask(ports).execute({ actor: owner, id: task.id })).rejects.toThrow(TaskNotFound);
  });
});

describe("task writes", () => {
  /** A repository that counts reads by id, to show which writes need one. */
  class CountedReads extends InMemoryTaskRepository {
    reads = 0;
    override async findById(id: string) {
      this.reads += 1;
      return super.findById(id);
    }
  }

  it("change and delete a task in one step each, never reading it first", async () => {
    const tasks = new CountedReads();
    const task = aTask();
    await tasks.add(task);
    const owner = userActor(task.ownerId);

    await new UpdateTask({ tasks, clock: ports.clock }).execute({ actor: owner, id: task.id, changes: { title: "A" } });
    await new ReplaceTask({ tasks, clock: ports.clock }).execute({
      actor: owner,
      id: task.id,
      changes: { title: "B" },
    });
    await new DeleteTask({ tasks }).execute({ actor: owner, id: task.id });

    expect(tasks.reads).toBe(0);
    expect(await tasks.findById(task.id)).toBeNull();
  });

  it.each([
    ["UpdateTask", (deps: typeof ports) => new UpdateTask(deps)],
    ["ReplaceTask", (deps: typeof ports) => new ReplaceTask(deps)],
  ])(
    "%s reports another user's task as missing before any field error, as Django REST Framework does",
    async (_, make) => {
      const { task, owner } = await aStoredTask(ports);
      const invalid = { title: " ", status: "archived" };

      await expect(make(ports).execute({ actor: STRANGER, id: task.id, changes: invalid })).rejects.toThrow(
        TaskNotFound,
      );
      await expect(make(ports).execute({ actor: owner, id: "gone", changes: invalid })).rejects.toThrow(TaskNotFound);
      await expect(make(ports).execute({ actor: owner, id: task.id, changes: invalid })).rejects.toThrow(
        ValidationError,
      );
      expect(await ports.tasks.findById(task.id)).toBe(task);
    },
  );
});
