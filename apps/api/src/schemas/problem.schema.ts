import Type from "typebox";

export const PROBLEM_CONTENT_TYPE = "application/problem+json; charset=utf-8";

/** RFC 9457 problem details, as every error of this API is written. */
export const ProblemSchema = Type.Object({
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
});

export type Problem = Type.Static<typeof ProblemSchema>;

function problemResponse(description: string) {
  return { description, content: { "application/problem+json": { schema: ProblemSchema } } };
}

/** The error responses every route shares, serialized and documented from the same schema. */
export const PROBLEM_RESPONSES = {
  "4xx": problemResponse("A client error, as problem details (RFC 9457)."),
  "5xx": problemResponse("A server error, as problem details; 503 when the database cannot be reached."),
};
