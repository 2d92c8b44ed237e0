import Type from "typebox";

export const LiveSchema = Type.Object({ status: Type.Literal("ok") });

export const ReadySchema = Type.Object({ status: Type.Literal("ok"), database: Type.Literal("ok") });

export const NotReadySchema = Type.Object({
  status: Type.Literal("unavailable"),
  database: Type.Literal("unreachable"),
});

export const ShuttingDownSchema = Type.Object({ status: Type.Literal("shutting_down") });
