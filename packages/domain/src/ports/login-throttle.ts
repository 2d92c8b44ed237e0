/**
 * Counts failed logins against keys (`loginAttemptKeys`: the username and the client's
 * address). An attempt is reserved against its keys before its password is checked, in one
 * atomic step across every process that shares the counts, so that however many attempts
 * arrive at once no more than the limit are ever checked against a password. A reserved
 * attempt counts as a failure until it is given back.
 */
export interface LoginThrottle {
  /**
   * Reserves one attempt against every key. When any of them has used its limit in its
   * current window, reserves nothing and throws `LoginThrottled` with the seconds until
   * the last of those windows ends. A window starts with the first attempt it counts.
   */
  reserve(keys: readonly string[]): Promise<LoginAttempt>;
}

export interface LoginAttempt {
  /** The attempt was not a failed login (it succeeded, or could not be checked): it stops counting. */
  giveBack(): Promise<void>;
}
