import { describe, expect, it } from "vitest";
import {
  DEFAULT_PAGE_SIZE,
  DEFAULT_TASK_ORDERING,
  MAX_PAGE_SIZE,
  parsePaging,
  parseTaskOrdering,
  parseTaskStatuses,
  ValidationError,
} from "../../src/index.ts";

function errorsOf(action: () => unknown): Readonly<Record<string, readonly string[]>> {
  try {
    action();
  } catch (error) {
    if (error instanceof ValidationError) return error.errors;
    throw error;
  }
  throw new Error("expected a ValidationError");
}

const CHOICES = "Choose among: created_at, updated_at, status, title.";

describe("parseTaskOrdering", () => {
  it.each([undefined, "", " ", ",", " , "])("gives newest first for %j", (raw) => {
    expect(parseTaskOrdering(raw)).toEqual([{ field: "created_at", direction: "desc" }]);
    expect(parseTaskOrdering(raw)).toBe(DEFAULT_TASK_ORDERING);
  });

  it("reads each field ascending, or descending with a '-' prefix, in the order given", () => {
    expect(parseTaskOrdering("-status,title,updated_at,-created_at")).toEqual([
      { field: "status", direction: "desc" },
      { field: "title", direction: "asc" },
      { field: "updated_at", direction: "asc" },
      { field: "created_at", direction: "desc" },
    ]);
  });

  it("ignores white space around the terms", () => {
    expect(parseTaskOrdering(" title , -status ")).toEqual([
      { field: "title", direction: "asc" },
      { field: "status", direction: "desc" },
    ]);
  });

  it("keeps the first of duplicate fields, whatever their direction", () => {
    expect(parseTaskOrdering("title,-status,-title,title")).toEqual([
      { field: "title", direction: "asc" },
      { field: "status", direction: "desc" },
    ]);
  });

  it("refuses an unknown field, naming it and the choices", () => {
    expect(errorsOf(() => parseTaskOrdering("title,owner"))).toEqual({
      ordering: [`"owner" is not a field you can order by. ${CHOICES}`],
    });
  });

  it("refuses every unknown field at once, as written", () => {
    expect(errorsOf(() => parseTaskOrdering("-id,title,createdAt"))).toEqual({
      ordering: [
        `"-id" is not a field you can order by. ${CHOICES}`,
        `"createdAt" is not a field you can order by. ${CHOICES}`,
      ],
    });
  });

  it.each(["-", "--title", "+title", "Title", "created-at"])("refuses the malformed term %j", (raw) => {
    expect(Object.keys(errorsOf(() => parseTaskOrdering(raw)))).toEqual(["ordering"]);
  });
});

describe("parseTaskStatuses", () => {
  it.each([undefined, "", " , "])("means every status for %j", (raw) => {
    expect(parseTaskStatuses(raw)).toEqual([]);
  });

  it("reads one status", () => {
    expect(parseTaskStatuses("doing")).toEqual(["doing"]);
  });

  it("reads a list in workflow order, without duplicates or white space", () => {
    expect(parseTaskStatuses(" done ,todo,done")).toEqual(["todo", "done"]);
  });

  it("refuses every unknown value, naming each", () => {
    expect(errorsOf(() => parseTaskStatuses("todo,Done,later"))).toEqual({
      status: [
        '"Done" is not a valid choice. Choose among: todo, doing, done.',
        '"later" is not a valid choice. Choose among: todo, doing, done.',
      ],
    });
  });
});

describe("parsePaging", () => {
  it("defaults to page 1 of 20", () => {
    expect(parsePaging(undefined, undefined)).toEqual({ page: 1, pageSize: DEFAULT_PAGE_SIZE });
    expect(DEFAULT_PAGE_SIZE).toBe(20);
  });

  it("keeps a valid page and size", () => {
    expect(parsePaging(3, 7)).toEqual({ page: 3, pageSize: 7 });
  });

  it("caps the page size at 100 rather than refusing it", () => {
    expect(MAX_PAGE_SIZE).toBe(100);
    expect(parsePaging(1, 100)).toEqual({ page: 1, pageSize: 100 });
    expect(parsePaging(1, 101)).toEqual({ page: 1, pageSize: 100 });
    expect(parsePaging(1, 1_000_000)).toEqual({ page: 1, pageSize: 100 });
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])("refuses the page %d", (page) => {
    expect(errorsOf(() => parsePaging(page, undefined))).toEqual({
      page: ["A page number must be a whole number of at least 1."],
    });
  });

  it.each([0, -5, 2.5, Number.NaN])("refuses the page size %d", (pageSize) => {
    expect(errorsOf(() => parsePaging(undefined, pageSize))).toEqual({
      page_size: ["A page size must be a whole number of at least 1."],
    });
  });

  it("reports a bad page and a bad page size together", () => {
    expect(Object.keys(errorsOf(() => parsePaging(0, 0)))).toEqual(["page", "page_size"]);
  });
});
