import { describe, expect, it } from "vitest";
import {
  DomainError,
  InvalidCredentials,
  InvalidToken,
  LoginThrottled,
  PageNotFound,
  SchemaNotMigrated,
  ServiceUnavailable,
  TaskNotFound,
  UserGone,
  UserNotFound,
  UsernameTaken,
  ValidationError,
} from "../src/index.ts";

describe("domain errors", () => {
  it.each([
    [new ValidationError({ title: ["x"] }), "VALIDATION_FAILED", "ValidationError", "Invalid field: title."],
    [new UsernameTaken("Alice"), "VALIDATION_FAILED", "UsernameTaken", "Invalid field: username."],
    [new TaskNotFound(), "TASK_NOT_FOUND", "TaskNotFound", "No task matches the given query."],
    [new UserNotFound("bob"), "USER_NOT_FOUND", "UserNotFound", 'No user named "bob".'],
    [new UserGone("3f0c"), "USER_GONE", "UserGone", "The user no longer exists."],
    [new PageNotFound(7), "PAGE_NOT_FOUND", "PageNotFound", "Invalid page."],
    [
      new InvalidCredentials(),
      "INVALID_CREDENTIALS",
      "InvalidCredentials",
      "No active account found with the given credentials.",
    ],
    [
      new LoginThrottled(30),
      "LOGIN_THROTTLED",
      "LoginThrottled",
      "Too many failed login attempts. Try again in 30 seconds.",
    ],
    [new InvalidToken("expired"), "INVALID_TOKEN", "InvalidToken", "Token is invalid or expired."],
    [
      new SchemaNotMigrated('relation "users" does not exist'),
      "SCHEMA_NOT_MIGRATED",
      "SchemaNotMigrated",
      "The database has no tables yet: its migrations have not been applied.",
    ],
    [
      new ServiceUnavailable("connection refused"),
      "SERVICE_UNAVAILABLE",
      "ServiceUnavailable",
      "The service is temporarily unavailable.",
    ],
  ])("%s has a stable code, its class name and a human message", (error, code, name, message) => {
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.name).toBe(name);
    expect(error.message).toBe(message);
  });

  it("lists every invalid field in a validation error's message and keeps the per-field messages", () => {
    const error = new ValidationError({ title: ["blank"], status: ["unknown", "other"] });

    expect(error.message).toBe("Invalid fields: title, status.");
    expect(error.errors).toEqual({ title: ["blank"], status: ["unknown", "other"] });
  });

  it("reports a taken username as a validation error on the username field", () => {
    const error = new UsernameTaken("Alice");

    expect(error).toBeInstanceOf(ValidationError);
    expect(error.errors).toEqual({ username: ["A user with that username already exists."] });
    expect(error.username).toBe("Alice");
  });

  it("keeps the reasons of token and service errors out of their messages", () => {
    expect(new InvalidToken("refresh token reused").reason).toBe("refresh token reused");
    expect(new InvalidToken("refresh token reused").message).not.toContain("reused");
    expect(new ServiceUnavailable("ECONNREFUSED 10.0.0.1").message).not.toContain("ECONNREFUSED");
  });

  it("keeps the facts a caller may need: the page and the username", () => {
    expect(new PageNotFound(7).page).toBe(7);
    expect(new UserNotFound("bob").username).toBe("bob");
  });
});
