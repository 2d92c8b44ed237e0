import Type from "typebox";
import { ref } from "./ref.ts";

export const PROBLEM_CONTENT_TYPE = "application/problem+json; charset=utf-8";

/** RFC 9457 problem details, as every error of this API is written. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: "A URI reference naming the kind of problem." }),
    title: Type.String({ description: "A short summary of the kind of problem." }),
    status: Type.Integer({ description: "The HTTP status code." }),
    detail: Type.String({ description: "A human sentence about this occurrence." }),
    instance: Type.String({ description: "The path of the request that failed." }),
    errors: Type.Optional(
      Type.Record(Type.String(), Type.Array(Type.String()), {
        description: "Validation errors only: the messages for each field (`non_field_errors` for the whole body).",
      }),
    ),
  },
  { $id: "Problem" },
);

export type Problem = Type.Static<typeof ProblemSchema>;

/** The error statuses this API answers with, each documented once, with an example. */
export type ProblemStatus = 400 | 401 | 403 | 404 | 413 | 415 | 429 | 500 | 503;

const RETRY_AFTER = {
  "retry-after": { type: "integer", description: "Seconds to wait before trying again." },
} as const;

interface ProblemDocumentation {
  readonly description: string;
  readonly example: Omit<Problem, "instance">;
  readonly headers?: Readonly<Record<string, { readonly type: string; readonly description: string }>>;
}

const PROBLEMS: Readonly<Record<ProblemStatus, ProblemDocumentation>> = {
  400: {
    description:
      "Invalid input: a body, query or path parameter that breaks the rules (`errors` names each field), a body " +
      "that is not JSON, or a Host header this server does not serve.",
    example: {
      type: "urn:tasks:problem:validation-failed",
      title: "Invalid input",
      status: 400,
      detail: "Some fields are invalid.",
      errors: { title: ["This field is required."] },
    },
  },
  401: {
    description: "Not authenticated: no credential, or one that is invalid, expired or revoked.",
    example: {
      type: "urn:tasks:problem:not-authenticated",
      title: "Not authenticated",
      status: 401,
      detail: "Authentication credentials were not provided.",
    },
    headers: { "www-authenticate": { type: "string", description: 'Bearer realm="api"' } },
  },
  403: {
    description:
      "CSRF Failed: a request with the session cookie whose X-CSRFToken header does not match the csrftoken " +
      "cookie, or that comes from an origin that is not allowed. Bearer requests never get it.",
    example: {
      type: "urn:tasks:problem:csrf-failed",
      title: "Forbidden",
      status: 403,
      detail: "CSRF Failed: CSRF token missing.",
    },
  },
  404: {
    description: "Not found: nothing here for the caller (another user's object looks the same as a missing one).",
    example: { type: "urn:tasks:problem:not-found", title: "Not found", status: 404, detail: "Not found." },
  },
  413: {
    description: "The request body is larger than 64 KiB.",
    example: {
      type: "about:blank",
      title: "Payload Too Large",
      status: 413,
      detail: "The request body is larger than the limit of 64 KiB.",
    },
  },
  415: {
    description: "The request body is not `application/json`.",
    example: {
      type: "about:blank",
      title: "Unsupported Media Type",
      status: 415,
      detail: "Send the request body as application/json.",
    },
  },
  429: {
    description: "Too many failed logins for this username or client address: wait for Retry-After.",
    example: {
      type: "urn:tasks:problem:login-throttled",
      title: "Too many failed logins",
      status: 429,
      detail: "Too many failed login attempts. Try again in 900 seconds.",
    },
    headers: RETRY_AFTER,
  },
  500: {
    description: "Something went wrong on the server; the log holds the rest under the request's x-request-id.",
    example: {
      type: "about:blank",
      title: "Internal Server Error",
      status: 500,
      detail: "Something went wrong on our side. It has been logged under request id 3f1c2a9e.",
    },
  },
  503: {
    description: "The database cannot be reached: wait for Retry-After and try again.",
    example: {
      type: "urn:tasks:problem:service-unavailable",
      title: "Service unavailable",
      status: 503,
      detail: "The service is temporarily unavailable. Try again shortly.",
    },
    headers: RETRY_AFTER,
  },
};

/**
 * The documented responses for these error statuses, all problem details. A route that
 * lists them in its schema also has its problems serialized by the same schema; `details`
 * replaces the generic description with what the status means on that route.
 */
export function problemResponses(
  statuses: readonly ProblemStatus[],
  details: Partial<Record<ProblemStatus, string>> = {},
): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const status of statuses) {
    const { description, headers } = PROBLEMS[status];
    responses[String(status)] = {
      description: details[status] ?? description,
      ...(headers ? { headers } : {}),
      content: { "application/problem+json": { schema: ref(ProblemSchema) } },
    };
  }
  return responses;
}

/** An example of the problem a status answers with, at the path given. */
export function problemExample(status: number, instance: string): Problem | undefined {
  const example = PROBLEMS[status as ProblemStatus]?.example;
  return example === undefined ? undefined : { ...example, instance };
}
