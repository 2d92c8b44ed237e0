import type { RevocationReason } from "../entities/session.ts";

/**
 * What happened that an operator watching for attacks wants to see, as structured log
 * lines with an `event` field. Never a password, token, cookie value or secret.
 */
export type SecurityEvent =
  | { readonly event: "login_failed"; readonly username: string; readonly clientAddress: string }
  | { readonly event: "login_throttled"; readonly username: string; readonly clientAddress: string }
  | { readonly event: "refresh_reuse_detected"; readonly userId: string; readonly sessionId: string }
  | {
      readonly event: "login_revoked";
      readonly userId: string;
      /** One login, or `null` for every login of the user (but the caller's, for a password change). */
      readonly sessionId: string | null;
      readonly by: RevocationReason;
    }
  | { readonly event: "password_changed"; readonly userId: string; readonly by: "user" | "admin" }
  | { readonly event: "user_deactivated"; readonly userId: string };

export interface SecurityEvents {
  record(event: SecurityEvent): void;
}
