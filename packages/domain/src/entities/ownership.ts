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
