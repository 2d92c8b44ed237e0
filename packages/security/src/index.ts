export * from "./argon2-password-hasher.ts";
export * from "./fallback-login-throttle.ts";
export * from "./jwt-token-service.ts";
export * from "./memory-login-throttle.ts";
export * from "./random-session-keys.ts";
export * from "./redis-login-throttle.ts";
export * from "./token-claims.ts";
export * from "./token-settings.ts";
