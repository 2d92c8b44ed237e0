/**
 * Every code a domain error can carry: a closed set, so that each table that maps codes to
 * something else (the API's problem details, taskctl's messages) is typed over it, and a
 * new code that nobody mapped fails the type check rather than becoming a silent 500.
 */
export type DomainErrorCode =
  | "VALIDATION_FAILED"
  | "TASK_NOT_FOUND"
  | "USER_NOT_FOUND"
  | "USER_GONE"
  | "PAGE_NOT_FOUND"
  | "INVALID_CREDENTIALS"
  | "LOGIN_THROTTLED"
  | "INVALID_TOKEN"
  | "INVALID_SESSION"
  | "LOGIN_NOT_FOUND"
  | "PERMISSION_DENIED"
  | "SERVICE_UNAVAILABLE"
  | "SCHEMA_NOT_MIGRATED";

/**
 * Domain errors carry a stable `code` and a human message; they know nothing of HTTP.
 * The API maps codes to problem details in exactly one place.
 */
export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export type FieldErrors = Readonly<Record<string, readonly string[]>>;

export class ValidationError extends DomainError {
  readonly code = "VALIDATION_FAILED";
  readonly errors: FieldErrors;

  constructor(errors: FieldErrors) {
    const fields = Object.keys(errors);
    super(`Invalid ${fields.length === 1 ? "field" : "fields"}: ${fields.join(", ")}.`);
    this.errors = errors;
  }
}

export class UsernameTaken extends ValidationError {
  readonly username: string;

  constructor(username: string) {
    super({ username: ["A user with that username already exists."] });
    this.username = username;
  }
}

export class TaskNotFound extends DomainError {
  readonly code = "TASK_NOT_FOUND";

  constructor() {
    super("No task matches the given query.");
  }
}

export class UserNotFound extends DomainError {
  readonly code = "USER_NOT_FOUND";
  readonly username: string;

  constructor(username: string) {
    super(`No user named "${username}".`);
    this.username = username;
  }
}

/**
 * A write named a user who no longer exists: deleted while the request that read them was
 * still being served (a login checking the password, a task created for them).
 */
export class UserGone extends DomainError {
  readonly code = "USER_GONE";
  readonly userId: string;

  constructor(userId: string) {
    super("The user no longer exists.");
    this.userId = userId;
  }
}

export class PageNotFound extends DomainError {
  readonly code = "PAGE_NOT_FOUND";
  readonly page: number;

  constructor(page: number) {
    super("Invalid page.");
    this.page = page;
  }
}

/** Wrong password, unknown user or inactive user: one message, so none can be told apart. */
export class InvalidCredentials extends DomainError {
  readonly code = "INVALID_CREDENTIALS";

  constructor() {
    super("No active account found with the given credentials.");
  }
}

/**
 * Too many failed logins for a username or from a client address, or too many logins of
 * one of them being checked at once: nothing was checked; try again in `retryAfterSeconds`.
 */
export class LoginThrottled extends DomainError {
  readonly code = "LOGIN_THROTTLED";
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number) {
    super(`Too many failed login attempts. Try again in ${retryAfterSeconds} seconds.`);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * A token that is malformed, forged, expired, of the wrong type, spent, revoked, or
 * whose user may no longer use it. `reason` is for logs only; clients see one message.
 */
export class InvalidToken extends DomainError {
  readonly code = "INVALID_TOKEN";
  readonly reason: string;

  constructor(reason: string) {
    super("Token is invalid or expired.");
    this.reason = reason;
  }
}

/**
 * A `sessionid` cookie that names no live login of an active user: unknown, logged out,
 * revoked, expired, or its user deactivated or given a new password since.
 */
export class InvalidSession extends DomainError {
  readonly code = "INVALID_SESSION";
  readonly reason: string;

  constructor(reason: string) {
    super("Your session has ended. Log in again.");
    this.reason = reason;
  }
}

/** No live login of the caller has this id: reported alike for another user's login. */
export class LoginNotFound extends DomainError {
  readonly code = "LOGIN_NOT_FOUND";

  constructor() {
    super("No login matches the given query.");
  }
}

/**
 * The staff member may not do this: a web admin action that only a superuser may take
 * (on staff and superusers), or an admin page for a user who is not (or no longer) staff.
 */
export class PermissionDenied extends DomainError {
  readonly code = "PERMISSION_DENIED";

  constructor(message = "You do not have permission to perform this action.") {
    super(message);
  }
}

/** The storage behind a port cannot be reached or did not answer in time. */
export class ServiceUnavailable extends DomainError {
  readonly code = "SERVICE_UNAVAILABLE";
  readonly reason: string;

  constructor(reason: string) {
    super("The service is temporarily unavailable.");
    this.reason = reason;
  }
}

/** The storage is reachable but has no schema yet: its migrations were never applied. */
export class SchemaNotMigrated extends DomainError {
  readonly code = "SCHEMA_NOT_MIGRATED";
  readonly reason: string;

  constructor(reason: string) {
    super("The database has no tables yet: its migrations have not been applied.");
    this.reason = reason;
  }
}
