/** How long logins and their credentials live (CONTRACT.md section 3). */
export interface LoginSettings {
  /** A cookie login's cookie lives this long from the login (SESSION_TTL). */
  readonly sessionTtlMs: number;
  /** A login ends this long after it began, however often it is refreshed (LOGIN_MAX_AGE). */
  readonly maxAgeMs: number;
  /** A spent refresh token presented again within this gets the pair its first use got (REFRESH_REUSE_WINDOW). */
  readonly reuseWindowMs: number;
}
