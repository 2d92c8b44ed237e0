import { beforeEach, describe, expect, it, vi } from "vitest";
import { ListAllTasks, ListUsers, OPERATOR, type User, ValidationError } from "../../src/index.ts";
import { aStoredTask, aStoredUser, type FakePorts, fakePorts, minutes, START } from "../../src/testing/index.ts";

let ports: FakePorts;

beforeEach(() => {
  ports = fakePorts();
});

function at(minute: number): Date {
  return new Date(START.getTime() + minutes(minute));
}

function names(users: readonly User[]): string[] {
  return users.map((user) => user.username);
}

async function validationErrors(promise: Promise<unknown>): Promise<ValidationError["errors"]> {
  const error = await promise.catch((caught: unknown) => caught);
  if (!(error instanceof ValidationError)) throw new Error(`expected a ValidationError, got ${String(error)}`);
  return error.errors;
}

describe("ListUsers for the web admin", () => {
  beforeEach(async () => {
    await aStoredUser(ports, {
      username: "alice",
      email: "alice@example.com",
      dateJoined: at(1),
      lastLogin: at(30),
    });
    await aStoredUser(ports, {
      username: "Bob",
      email: "BOB@Example.org",
      isStaff: true,
      dateJoined: at(2),
      lastLogin: null,
    });
    await aStoredUser(ports, {
      username: "carol",
      email: "c@example.com",
      isActive: false,
      dateJoined: at(3),
      lastLogin: at(10),
    });
    await aStoredUser(ports, {
      username: "dave",
      email: "dave@example.org",
      isStaff: true,
      isSuperuser: true,
      dateJoined: at(4),
      lastLogin: null,
    });
  });

  const list = (input: Parameters<ListUsers["execute"]>[0]) => new ListUsers(ports).execute(input);

  it("lists everyone oldest first by default", async () => {
    expect(names((await list({})).results)).toEqual(["alice", "Bob", "carol", "dave"]);
  });

  it("filters by staff status and by active status, counting only the matches", async () => {
    const staff = await list({ isStaff: true });
    const ordinary = await list({ isStaff: false, isActive: true });
    const inactive = await list({ isActive: false });

    expect(names(staff.results)).toEqual(["Bob", "dave"]);
    expect(staff.count).toBe(2);
    expect(names(ordinary.results)).toEqual(["alice"]);
    expect(names(inactive.results)).toEqual(["carol"]);
  });

  it("searches the username and the email in any case, ignoring surrounding spaces", async () => {
    expect(names((await list({ search: "  BOB " })).results)).toEqual(["Bob"]);
    expect(names((await list({ search: "EXAMPLE.ORG" })).results)).toEqual(["Bob", "dave"]);
    expect(names((await list({ search: "   " })).results)).toHaveLength(4);
    expect((await list({ search: "nobody" })).count).toBe(0);
  });

  it("refuses a search that storage cannot hold, naming search, without asking the repository", async () => {
    const list = vi.spyOn(ports.users, "list");

    expect(await validationErrors(new ListUsers(ports).execute({ search: "a\u0000" }))).toEqual({
      search: ["Null characters are not allowed."],
    });
    expect(list).not.toHaveBeenCalled();
  });

  it("combines a filter with a search", async () => {
    expect(names((await list({ isStaff: true, search: "dave" })).results)).toEqual(["dave"]);
  });

  it.each([
    ["username", ["alice", "Bob", "carol", "dave"]],
    ["-username", ["dave", "carol", "Bob", "alice"]],
    ["email", ["alice", "Bob", "carol", "dave"]],
    ["-email", ["dave", "carol", "Bob", "alice"]],
    ["-date_joined", ["dave", "carol", "Bob", "alice"]],
    ["is_staff,username", ["alice", "carol", "Bob", "dave"]],
    ["-is_staff,username", ["Bob", "dave", "alice", "carol"]],
    ["is_active,username", ["carol", "alice", "Bob", "dave"]],
    ["-is_active,-username", ["dave", "Bob", "alice", "carol"]],
    ["last_login", ["carol", "alice", "Bob", "dave"]],
    ["-last_login", ["dave", "Bob", "alice", "carol"]],
  ])("orders by %s", async (ordering, expected) => {
    expect(names((await list({ ordering })).results)).toEqual(expected);
  });

  it("breaks ties by id in the direction of the last term", async () => {
    const ascending = await list({ ordering: "is_staff" });
    const descending = await list({ ordering: "-is_staff" });

    expect(names(ascending.results)).toEqual(["alice", "carol", "Bob", "dave"]);
    expect(names(descending.results)).toEqual(["dave", "Bob", "carol", "alice"]);
  });

  it("pages a filtered, ordered list", async () => {
    const page = await list({ ordering: "-username", page: 2, limit: 3 });

    expect(page).toMatchObject({ count: 4, page: 2 });
    expect(names(page.results)).toEqual(["alice"]);
  });

  it("refuses an unknown ordering field, naming the field `ordering` and the choices", async () => {
    const errors = await validationErrors(list({ ordering: "username,-password" }));

    expect(errors).toEqual({
      ordering: [
        '"-password" is not a field you can order by. Choose among: username, email, is_staff, is_active, date_joined, last_login.',
      ],
    });
  });
});

describe("ListAllTasks ordering for the web admin", () => {
  let alice: User;
  let bob: User;

  beforeEach(async () => {
    alice = await aStoredUser(ports, { username: "alice" });
    bob = await aStoredUser(ports, { username: "bob" });
  });

  async function titles(ordering: string | undefined): Promise<string[]> {
    return (await new ListAllTasks(ports).execute({ actor: OPERATOR, ordering })).results.map(({ task }) => task.title);
  }

  it("orders by title, status, owner and id, and newest first by default", async () => {
    await aStoredTask(ports, { id: "t-1", ownerId: bob.id, title: "b", status: "done", createdAt: at(1) });
    await aStoredTask(ports, { id: "t-2", ownerId: alice.id, title: "c", status: "todo", createdAt: at(2) });
    await aStoredTask(ports, { id: "t-3", ownerId: bob.id, title: "a", status: "doing", createdAt: at(3) });

    expect(await titles(undefined)).toEqual(["a", "c", "b"]);
    expect(await titles("title")).toEqual(["a", "b", "c"]);
    expect(await titles("-status")).toEqual(["b", "a", "c"]);
    // The builders' ids grow, so alice's id sorts before bob's.
    expect(await titles("owner,id")).toEqual(["c", "b", "a"]);
    expect(await titles("-id")).toEqual(["a", "c", "b"]);
    expect(await titles("id")).toEqual(["b", "c", "a"]);
  });

  it("refuses an unknown ordering field, naming the field `ordering` and the choices", async () => {
    const errors = await validationErrors(new ListAllTasks(ports).execute({ actor: OPERATOR, ordering: "priority" }));

    expect(errors).toEqual({
      ordering: [
        '"priority" is not a field you can order by. Choose among: created_at, updated_at, status, title, id, owner.',
      ],
    });
  });
  it("refuses a search that storage cannot hold, naming search, without asking the repository", async () => {
    const list = vi.spyOn(ports.tasks, "list");

    expect(await validationErrors(new ListAllTasks(ports).execute({ actor: OPERATOR, search: "\ud800" }))).toEqual({
      search: ["Enter valid Unicode text: this contains a lone surrogate."],
    });
    expect(list).not.toHaveBeenCalled();
  });
});
