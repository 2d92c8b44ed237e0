import type { Problem } from "./types.ts";

/** An answer of the API other than success: its problem details (RFC 9457). */
export class ApiError extends Error {
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail);
    this.name = "ApiError";
    this.problem = problem;
  }

  get status(): number {
    return this.problem.status;
  }
}

/** The problem details of a failed response; a body that is none (a proxy's page) still gives one. */
export async function problemOf(response: Response): Promise<Problem> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    if (typeof body.status === "number" && typeof body.detail === "string") return body as Problem;
  } catch {}
  return {
    type: "about:blank",
    title: response.statusText || "Error",
    status: response.status,
    detail: `The server answered ${response.status}.`,
    instance: new URL(response.url || "http://unknown/").pathname,
  };
}
