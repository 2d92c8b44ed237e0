import {
  LogIn,
  Session,
  type SessionProps,
  Task,
  type TaskProps,
  type TokenPair,
  User,
  type UserProps,
  userActor,
} from "../index.ts";
import { START } from "./fake-clock.ts";
import type { FakePorts } from "./fake-ports.ts";

/** Test-data builders ("mothers"): a valid entity by default, with only what a test cares about overridden. */

let sequence = 0;

/** A fresh UUID-shaped id, in creation order; distinct from the ids the fake IdGenerator makes. */
export function anId(): string {
  sequence += 1;
  return `b0000000-0000-7000-8000-${sequence.toString(16).padStart(12, "0")}`;
}

/** Passes every rule of the password policy, for any username the builders make. */
export const GOOD_PASSWORD = "correct horse battery staple";

/** `count` code points of `character` (which may itself be one astral code point). */
export function text(count: number, character = "a"): string {
  return character.repeat(count);
}

export function minutes(count: number): number {
  return count * 60 * 1000;
}

export function aUser(overrides: Partial<UserProps> = {}): User {
  const id = overrides.id ?? anId();
  return User.rehydrate({
    id,
    username: `user-${id.slice(-4)}`,
    email: `user-${id.slice(-4)}@example.com`,
    passwordHash: "not-a-hash-anyone-can-verify",
    isStaff: false,
    isSuperuser: false,
    isActive: true,
    dateJoined: START,
    lastLogin: null,
    tokenVersion: 0,
    ...overrides,
  });
}

export function aTask(overrides: Partial<TaskProps> = {}): Task {
  return Task.rehydrate({
    id: anId(),
    ownerId: anId(),
    title: "Write the report",
    description: "",
    status: "todo",
    createdAt: START,
    updatedAt: START,
    ...overrides,
  });
}

/** A live token login of an hour, started at START, under token version 0. */
export function aSession(overrides: Partial<SessionProps> = {}): Session {
  return Session.rehydrate({
    id: anId(),
    userId: anId(),
    kind: "token",
    refreshTokenId: anId(),
    accessTokenId: anId(),
    issuedAt: START,
    rotatedFrom: null,
    keyHash: null,
    tokenVersion: 0,
    createdAt: START,
    lastUsedAt: START,
    expiresAt: new Date(START.getTime() + minutes(60)),
    endsAt: new Date(START.getTime() + minutes(24 * 60)),
    ipAddress: "192.0.2.1",
    userAgent: "test-agent/1.0",
    revokedAt: null,
    revocationReason: null,
    ...overrides,
  });
}

/** A user stored in the fakes, whose password the fake hasher really verifies. */
export async function aStoredUser(
  ports: FakePorts,
  overrides: Partial<UserProps> & { password?: string } = {},
): Promise<User> {
  const { password = GOOD_PASSWORD, ...props } = overrides;
  const user = aUser({ passwordHash: await ports.hasher.hash(password), ...props });
  await ports.users.add(user);
  return user;
}

/** A task stored in the fakes, with the actor of its owner. */
export async function aStoredTask(ports: FakePorts, overrides: Partial<TaskProps> = {}) {
  const task = aTask(overrides);
  await ports.tasks.add(task);
  return { task, owner: userActor(task.ownerId) };
}

/** The address the builders' logins come from (TEST-NET-1, RFC 5737). */
export const CLIENT_ADDRESS = "192.0.2.1";

/** Logs in with tokens through the LogIn use case on the fakes, answering the pair. */
export async function logIn(ports: FakePorts, username: string, password = GOOD_PASSWORD): Promise<TokenPair> {
  const result = await new LogIn(ports).execute({
    username,
    password,
    kind: "token",
    client: { address: CLIENT_ADDRESS, userAgent: "test-agent/1.0" },
  });
  if (result.kind !== "token") throw new Error("a token login answered no pair");
  return result.pair;
}
