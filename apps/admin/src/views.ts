import type { Session, TaskWithOwner, User } from "@tasks/domain";
import { type Column, formatFlag, formatTime } from "./table.ts";

/**
 * The `--json` shapes, documented in the README: snake_case and ISO 8601 UTC times like
 * the HTTP API, and only whitelisted fields (a password hash never leaves).
 */
export interface UserJson {
  readonly id: string;
  readonly username: string;
  readonly email: string;
  readonly is_staff: boolean;
  readonly is_superuser: boolean;
  readonly is_active: boolean;
  readonly date_joined: string;
  readonly last_login: string | null;
}

export interface TaskJson {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly status: string;
  /** The owner's username. */
  readonly owner: string;
  readonly created_at: string;
  readonly updated_at: string;
}

/** A login, as `GET /api/auth/sessions/` shows it (without `current`: taskctl is no login). */
export interface LoginJson {
  readonly id: string;
  readonly kind: string;
  readonly created_at: string;
  readonly last_used_at: string;
  readonly expires_at: string;
  readonly ip_address: string | null;
  readonly user_agent: string | null;
}

export function loginJson(session: Session): LoginJson {
  return {
    id: session.id,
    kind: session.kind,
    created_at: session.createdAt.toISOString(),
    last_used_at: session.lastUsedAt.toISOString(),
    expires_at: session.expiresAt.toISOString(),
    ip_address: session.ipAddress,
    user_agent: session.userAgent,
  };
}

export const LOGIN_COLUMNS: readonly Column<Session>[] = [
  { header: "id", value: (session) => session.id },
  { header: "kind", value: (session) => session.kind },
  { header: "started", value: (session) => formatTime(session.createdAt) },
  { header: "last used", value: (session) => formatTime(session.lastUsedAt) },
  { header: "expires", value: (session) => formatTime(session.expiresAt) },
  { header: "address", value: (session) => session.ipAddress ?? "-" },
  { header: "user agent", value: (session) => session.userAgent ?? "-", maxWidth: 40 },
];

export function userJson(user: User): UserJson {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    is_staff: user.isStaff,
    is_superuser: user.isSuperuser,
    is_active: user.isActive,
    date_joined: user.dateJoined.toISOString(),
    last_login: user.lastLogin?.toISOString() ?? null,
  };
}

export function taskJson({ task, ownerUsername }: TaskWithOwner): TaskJson {
  return {
    id: task.id,
    title: task.title,
    description: task.description,
    status: task.status,
    owner: ownerUsername,
    created_at: task.createdAt.toISOString(),
    updated_at: task.updatedAt.toISOString(),
  };
}

/** Like the admin site's list display for users. */
export const USER_COLUMNS: readonly Column<User>[] = [
  { header: "id", value: (user) => user.id },
  { header: "username", value: (user) => user.username },
  { header: "email", value: (user) => user.email || "-" },
  { header: "staff", value: (user) => formatFlag(user.isStaff) },
  { header: "active", value: (user) => formatFlag(user.isActive) },
  { header: "joined", value: (user) => formatTime(user.dateJoined) },
  { header: "last login", value: (user) => formatTime(user.lastLogin) },
];

export const TASK_COLUMNS: readonly Column<TaskWithOwner>[] = [
  { header: "id", value: ({ task }) => task.id },
  { header: "title", value: ({ task }) => task.title, maxWidth: 40 },
  { header: "owner", value: ({ ownerUsername }) => ownerUsername },
  { header: "status", value: ({ task }) => task.status },
  { header: "created", value: ({ task }) => formatTime(task.createdAt) },
  { header: "updated", value: ({ task }) => formatTime(task.updatedAt) },
];
