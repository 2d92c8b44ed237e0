import type { Task } from "./task.ts";

/**
 * Who is acting: a user through the API (always scoped to their own tasks), or the
 * operator at the admin command line, who sees everything, as Django's admin site does.
 */
export type Actor = UserActor | OperatorActor;
export type UserActor = { readonly kind: "user"; readonly userId: string };
export type OperatorActor = { readonly kind: "operator" };

export const OPERATOR: OperatorActor = { kind: "operator" };

export function userActor(userId: string): UserActor {
  return { kind: "user", userId };
}

/** The ownership policy. A task the actor may not access is reported exactly like a missing one. */
export function canAccessTask(actor: Actor, task: Task): boolean {
  return actor.kind === "operator" || task.ownerId === actor.userId;
}

/**
 * The same policy for a write that storage scopes in one step: the owner whose task the
 * actor may change, or `undefined` for the operator, who may change any.
 */
export function ownerScope(actor: Actor): string | undefined {
  return actor.kind === "operator" ? undefined : actor.userId;
}
