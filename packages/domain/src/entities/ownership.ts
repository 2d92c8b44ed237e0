import type { Task } from "./task.ts";

/**
 * Who is acting: a user through the API (always scoped to their own tasks), or the
 * operator at the admin command line, who sees everything, as Django's admin site does.
 */
export type Actor = { readonly kind: "user"; readonly userId: string } | { readonly kind: "operator" };

export const OPERATOR: Actor = { kind: "operator" };

export function userActor(userId: string): Actor {
  return { kind: "user", userId };
}

/** The ownership policy. A task the actor may not access is reported exactly like a missing one. */
export function canAccessTask(actor: Actor, task: Task): boolean {
  return actor.kind === "operator" || task.ownerId === actor.userId;
}
