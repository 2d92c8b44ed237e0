import { expect } from "vitest";
import { type StaffMember, staffMember, ValidationError } from "../../../src/index.ts";
import { aStoredUser, type FakePorts, type WriteRecord } from "../../../src/testing/index.ts";

/** A staff member who is not a superuser, stored in the fakes. */
export async function aStaffMember(ports: FakePorts, username = "sam"): Promise<StaffMember> {
  return staffMember(await aStoredUser(ports, { username, isStaff: true }));
}

/** A superuser, stored in the fakes. */
export async function aSuperuser(ports: FakePorts, username = "root"): Promise<StaffMember> {
  return staffMember(await aStoredUser(ports, { username, isStaff: true, isSuperuser: true }));
}

/**
 * Runs `act`, which must fail with an error of `type`, and answers the error. Every write
 * to every fake repository (history included) goes through the write log, so an empty log
 * since `act` began means nothing was written, not even in a transaction rolled back.
 */
export async function refusedWithoutWrites<E extends Error>(
  ports: FakePorts,
  act: () => Promise<unknown>,
  type: abstract new (...args: never[]) => E,
): Promise<E> {
  const writesBefore = ports.log.records.length;
  const error = await act().then(
    () => new Error("expected a refusal, got success"),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(type);
  expect(ports.log.records.slice(writesBefore)).toEqual([]);
  return error as E;
}

/** The ValidationError the promise rejects with; any other outcome fails the test. */
export async function failure(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.catch((caught: unknown) => caught);
  if (!(error instanceof ValidationError)) throw new Error(`expected a ValidationError, got ${String(error)}`);
  return error;
}

/** The field errors of a refusal that wrote nothing. */
export async function invalidWithoutWrites(
  ports: FakePorts,
  act: () => Promise<unknown>,
): Promise<ValidationError["errors"]> {
  return (await refusedWithoutWrites(ports, act, ValidationError)).errors;
}

/** The writes made since `from` (an index into the write log). */
export function writesSince(ports: FakePorts, from: number): WriteRecord[] {
  return ports.log.records.slice(from);
}

/** Checks that these writes were all made in one transaction, which committed. */
export function expectOneCommittedTransaction(ports: FakePorts, records: readonly WriteRecord[]): void {
  const numbers = new Set(records.map((record) => record.transaction));
  expect(numbers.size).toBe(1);
  const [number] = numbers;
  expect(ports.unitOfWork.transactions).toContainEqual({ number, outcome: "committed" });
}
