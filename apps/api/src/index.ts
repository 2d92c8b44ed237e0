export { type AppConfig, type AppDependencies, BODY_LIMIT_BYTES, buildApp, type UseCases } from "./app.ts";
export { type ContainerInput, createDependencies } from "./container.ts";
export type { FastifyTypeBox } from "./http/fastify-typebox.ts";
