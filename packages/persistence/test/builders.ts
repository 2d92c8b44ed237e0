import { randomUUID } from "node:crypto";
import {
  Session,
  type SessionProps,
  Task,
  type TaskOrdering,
  type TaskProps,
  taskStatusRank,
  User,
  type UserProps,
} from "@tasks/domain";

/** Test-data builders: a valid entity by default, with only what a test cares about overridden. */

export const START = new Date("2025-03-01T09:00:00.000Z");

export function minutesAfterStart(minutes: number): Date {
  return new Date(START.getTime() + minutes * 60_000);
}

let sequence = 0;

export function aUser(overrides: Partial<UserProps> = {}): User {
  sequence += 1;
  return User.rehydrate({
    id: randomUUID(),
    username: `user${sequence}-${randomUUID().slice(0, 8)}`,
    email: `user${sequence}@example.com`,
    passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
    isStaff: false,
    isSuperuser: false,
    isActive: true,
    dateJoined: START,
    lastLogin: null,
    tokenVersion: 0,
    ...overrides,
  });
}

export function aTask(ownerId: string, overrides: Partial<TaskProps> = {}): Task {
  return Task.rehydrate({
    id: randomUUID(),
    ownerId,
    title: "Write the report",
    description: "",
    status: "todo",
    createdAt: START,
    updatedAt: START,
    ...overrides,
  });
}

export function aSession(userId: string, overrides: Partial<SessionProps> = {}): Session {
  return Session.rehydrate({
    id: randomUUID(),
    userId,
    refreshTokenId: randomUUID(),
    rotatedFrom: null,
    createdAt: START,
    expiresAt: new Date(START.getTime() + 7 * 24 * 3_600_000),
    revokedAt: null,
    ...overrides,
  });
}

// ICU's root collation, which the `title` column uses.
const titleCollator = new Intl.Collator("und");

/** The order the ports promise: the terms, then `id` in the direction of the last term. */
export function sortTasks(tasks: readonly Task[], ordering: TaskOrdering): Task[] {
  const last = ordering.at(-1)?.direction ?? "desc";
  return [...tasks].sort((a, b) => {
    for (const term of ordering) {
      const sign = term.direction === "asc" ? 1 : -1;
      let difference = 0;
      if (term.field === "created_at") difference = a.createdAt.getTime() - b.createdAt.getTime();
      else if (term.field === "updated_at") difference = a.updatedAt.getTime() - b.updatedAt.getTime();
      else if (term.field === "status") difference = taskStatusRank(a.status) - taskStatusRank(b.status);
      else difference = titleCollator.compare(a.title, b.title);
      if (difference !== 0) return sign * difference;
    }
    const byId = a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    return last === "asc" ? byId : -byId;
  });
}

export function ids(tasks: readonly { id: string }[]): string[] {
  return tasks.map((task) => task.id);
}
