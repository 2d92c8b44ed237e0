import type { LightMyRequestResponse } from "fastify";
import { expect } from "vitest";

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  errors?: Record<string, string[]>;
}

/** Checks that `response` is RFC 9457 problem details with `status`, and returns its body. */
export function expectProblem(response: LightMyRequestResponse, status: number): ProblemBody {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
  const body = response.json<ProblemBody>();
  expect(body).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
  expect(typeof body.detail).toBe("string");
  expect(body.detail.length).toBeGreaterThan(0);
  expect(body.instance).toMatch(/^\//);
  const members = Object.keys(body).sort();
  const expected = ["detail", "instance", "status", "title", "type"];
  expect(members).toEqual(body.errors === undefined ? expected : [...expected, "errors"].sort());
  return body;
}

/** A 400 validation problem whose `errors` name exactly `fields`. */
export function expectValidationProblem(response: LightMyRequestResponse, fields: string[]): Record<string, string[]> {
  const body = expectProblem(response, 400);
  expect(body.type).toBe("urn:tasks:problem:validation-failed");
  expect(Object.keys(body.errors ?? {}).sort()).toEqual([...fields].sort());
  return body.errors ?? {};
}
