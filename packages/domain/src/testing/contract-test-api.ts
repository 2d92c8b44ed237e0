/**
 * The parts of a test framework the contract suites use, so that the kit depends on none:
 * pass vitest's (or Jest's) own functions, `{ describe, it, beforeAll, afterAll, expect }`.
 */
export interface ContractTestApi {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>): void;
  beforeAll(body: () => Promise<void>): void;
  afterAll(body: () => Promise<void>): void;
  expect(actual: unknown): Assertion;
}

type ErrorClass = abstract new (...args: never[]) => unknown;

export interface Assertion {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toMatchObject(expected: object): void;
  toBeNull(): void;
  toBeInstanceOf(expected: ErrorClass): void;
  toHaveLength(length: number): void;
  toContain(item: unknown): void;
  toBeGreaterThan(expected: number): void;
  readonly not: Assertion;
  readonly rejects: AsyncAssertion;
  readonly resolves: AsyncAssertion;
}

export interface AsyncAssertion {
  toBe(expected: unknown): Promise<void>;
  toEqual(expected: unknown): Promise<void>;
  toBeInstanceOf(expected: ErrorClass): Promise<void>;
  toMatchObject(expected: object): Promise<void>;
  toBeUndefined(): Promise<void>;
}
