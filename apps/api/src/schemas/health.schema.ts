import Type from "typebox";

export const LiveSchema = Type.Object(
  { status: Type.Literal("ok") },
  { description: "The process answers.", examples: [{ status: "ok" }] },
);

export const ReadySchema = Type.Object(
  { status: Type.Literal("ok"), database: Type.Literal("ok") },
  { description: "Ready: the database answers.", examples: [{ status: "ok", database: "ok" }] },
);

export const NotReadySchema = Type.Object(
  { status: Type.Literal("unavailable"), database: Type.Literal("unreachable") },
  {
    description: "Not ready: the database does not answer in time.",
    examples: [{ status: "unavailable", database: "unreachable" }],
  },
);

export const ShuttingDownSchema = Type.Object(
  { status: Type.Literal("unavailable"), reason: Type.Literal("shutting_down") },
  {
    description: "Not ready: the server is shutting down, and stops taking requests after SHUTDOWN_DRAIN.",
    examples: [{ status: "unavailable", reason: "shutting_down" }],
  },
);
