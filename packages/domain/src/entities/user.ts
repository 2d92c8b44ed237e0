import { ValidationError } from "../errors.ts";
import { FIELD_MESSAGES } from "../field-messages.ts";
import { unstorableTextProblem } from "./text.ts";

export const USERNAME_MAX_LENGTH = 150;
export const EMAIL_MAX_LENGTH = 254;
const USERNAME_PATTERN = /^[\p{L}\p{N}@.+_-]+$/u;
// Deliberately loose, like Django's EmailValidator in spirit: one @, a dot in the domain, no spaces.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface UserProps {
  readonly id: string;
  readonly username: string;
  readonly email: string;
  readonly passwordHash: string;
  readonly isStaff: boolean;
  readonly isSuperuser: boolean;
  readonly isActive: boolean;
  readonly dateJoined: Date;
  readonly lastLogin: Date | null;
  /**
   * Bumped whenever the user's existing tokens must stop working (a new password, a
   * deactivation). Every token carries the version it was issued under; a token whose
   * version is not the current one is refused. A counter, not an instant, so that a
   * token issued in the same second as the change is still judged correctly.
   */
  readonly tokenVersion: number;
}

/**
 * The one form of a username that uniqueness, look-ups and the login throttle compare:
 * Unicode NFKC (as Django normalises usernames), surrounding white space trimmed, then
 * case-folded, so "Alice", "ALICE" and "Ａｌｉｃｅ" are one user (stricter than Django's
 * default). Folding is full case folding approximated by upper- then lower-casing, which
 * also folds "ß" to "ss" and the final sigma to "σ"; NFKC again because folding can undo
 * it. Storage keeps this key in a uniquely indexed column of its own, computed here only.
 */
export function canonicalUsername(username: string): string {
  return username.normalize("NFKC").trim().toUpperCase().toLowerCase().normalize("NFKC");
}

/**
 * Whether any user could have this username: one `User.validate` would accept. A name
 * that no user can have (a NUL, a lone surrogate, past the length) is never looked up,
 * so storage never sees text it cannot hold.
 */
export function couldBeUsername(username: string): boolean {
  const name = username.normalize("NFKC").trim();
  return name.length > 0 && [...name].length <= USERNAME_MAX_LENGTH && USERNAME_PATTERN.test(name);
}

export class User implements UserProps {
  declare readonly id: string;
  declare readonly username: string;
  declare readonly email: string;
  declare readonly passwordHash: string;
  declare readonly isStaff: boolean;
  declare readonly isSuperuser: boolean;
  declare readonly isActive: boolean;
  declare readonly dateJoined: Date;
  declare readonly lastLogin: Date | null;
  declare readonly tokenVersion: number;

  private constructor(props: UserProps) {
    Object.assign(this, props);
  }

  /** Checks a username and an email the way `create` does, without making a user. */
  static validate(input: { username: string; email?: string }): { username: string; email: string } {
    const errors: Record<string, string[]> = {};
    const username = input.username.normalize("NFKC").trim();
    const email = (input.email ?? "").trim();
    if (username.length === 0) errors.username = [FIELD_MESSAGES.blank];
    else if ([...username].length > USERNAME_MAX_LENGTH)
      errors.username = [FIELD_MESSAGES.tooLong(USERNAME_MAX_LENGTH)];
    else if (!USERNAME_PATTERN.test(username))
      errors.username = [
        "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.",
      ];
    if (email.length > EMAIL_MAX_LENGTH) errors.email = [FIELD_MESSAGES.tooLong(EMAIL_MAX_LENGTH)];
    else if (email.length > 0 && (!EMAIL_PATTERN.test(email) || unstorableTextProblem(email) !== null))
      errors.email = ["Enter a valid email address."];
    if (Object.keys(errors).length > 0) throw new ValidationError(errors);
    return { username, email };
  }

  static create(input: {
    id: string;
    username: string;
    email?: string;
    passwordHash: string;
    isStaff?: boolean;
    isSuperuser?: boolean;
    now: Date;
  }): User {
    const { username, email } = User.validate(input);
    const isSuperuser = input.isSuperuser ?? false;
    return new User({
      id: input.id,
      username,
      email,
      passwordHash: input.passwordHash,
      // As in Django's createsuperuser, a superuser is always staff.
      isStaff: isSuperuser || (input.isStaff ?? false),
      isSuperuser,
      isActive: true,
      dateJoined: input.now,
      lastLogin: null,
      tokenVersion: 0,
    });
  }

  static rehydrate(props: UserProps): User {
    return new User(props);
  }

  /** A new password; every token issued before it stops working. */
  withPassword(passwordHash: string): User {
    return new User({ ...this, passwordHash, tokenVersion: this.tokenVersion + 1 });
  }

  /** Cannot log in any more, and every token already issued stops working. */
  deactivate(): User {
    if (!this.isActive) return this;
    return new User({ ...this, isActive: false, tokenVersion: this.tokenVersion + 1 });
  }

  activate(): User {
    if (this.isActive) return this;
    return new User({ ...this, isActive: true });
  }

  recordLogin(now: Date): User {
    return new User({ ...this, lastLogin: now });
  }
}
