export * from "./errors.ts";
export type { paths } from "./schema.ts";
export * from "./session-client.ts";
export * from "./token-client.ts";
export * from "./types.ts";
