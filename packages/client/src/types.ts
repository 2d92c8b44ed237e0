import type { components, operations } from "./schema.ts";

type Json<Response> = Response extends { content: { "application/json": infer Body } } ? Body : never;
type Responses<Operation extends keyof operations> = operations[Operation]["responses"];

/** A task, as the API writes it. */
export type Task = Json<Responses<"retrieveTask">[200]>;
/** One page of the caller's tasks: `{count, next, previous, results}`. */
export type TaskPage = Json<Responses<"listTasks">[200]>;
/** The user a credential speaks for. */
export type Me = Json<Responses<"retrieveCurrentUser">[200]>;
/** What logIn and refreshToken answer. */
export type TokenPair = Json<Responses<"logIn">[200]>;
/** RFC 9457 problem details: every error of the API. */
export type Problem = Responses<"retrieveTask">[404]["content"]["application/problem+json"];

export type { components, operations };
