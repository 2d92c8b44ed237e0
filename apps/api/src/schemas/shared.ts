import { LoginListSchema, LoginResourceSchema, MeSchema, SessionUserSchema, TokenPairSchema } from "./auth.schema.ts";
import { ProblemSchema } from "./problem.schema.ts";
import { TaskPageSchema, TaskSchema } from "./task.schema.ts";

/** The schemas routes refer to by `$id` (see `ref`): the app adds them once, before any route. */
export const SHARED_SCHEMAS = [
  ProblemSchema,
  TaskSchema,
  TaskPageSchema,
  MeSchema,
  TokenPairSchema,
  SessionUserSchema,
  LoginResourceSchema,
  LoginListSchema,
];
