export * from "./config.ts";
export * from "./duration.ts";
export * from "./private-directory.ts";
export * from "./system-clock.ts";
export * from "./uuid-v7-id-generator.ts";
