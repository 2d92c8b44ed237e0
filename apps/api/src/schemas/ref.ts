import Type, { type TSchema } from "typebox";

/**
 * A reference to a schema the app shares by its `$id` (see SHARED_SCHEMAS): serialized
 * from the one shared copy, and in the OpenAPI document a named component, so that
 * generated clients get one `Task` type rather than one per route. `options` adds what
 * the use says on top (a response's description, its headers).
 */
export function ref<T extends TSchema & { $id?: string }>(schema: T, options: Record<string, unknown> = {}) {
  if (schema.$id === undefined) throw new Error("only a schema with an $id can be referred to");
  return Type.Unsafe<Type.Static<T>>({ $ref: `${schema.$id}#`, ...options });
}
