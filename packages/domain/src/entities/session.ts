/** How a login authenticates its requests: bearer tokens (a JWT pair), or a browser's `sessionid` cookie. */
export const SESSION_KINDS = ["token", "cookie"] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];

/** Why a login ended before its time: the `login_revoked` security event says it too. */
export const REVOCATION_REASONS = [
  /** Its user logged out with it. */
  "logout",
  /** Its user revoked it from another login (a sessions list, "log out everywhere else"). */
  "user",
  /** The password changed. */
  "password_change",
  /** The user was deactivated. */
  "deactivation",
  /** An operator revoked the user's logins. */
  "admin",
  /** A spent refresh token of it was presented again after the reuse window: taken as theft. */
  "refresh_reuse",
] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

/** A client's user agent is kept to this many characters: enough to tell browsers apart. */
export const USER_AGENT_MAX_LENGTH = 512;
/** An address longer than this is no IP address (an IPv6 address with a zone is at most 60 or so). */
export const CLIENT_ADDRESS_MAX_LENGTH = 64;

/** Where a login came from, as the server saw it. */
export interface ClientInfo {
  readonly address: string | null;
  readonly userAgent: string | null;
}

/** What a refresh token presented to its login is, for `Session.judgeRefresh`. */
export type RefreshJudgement =
  /** The login's current refresh token: spend it for a new pair. */
  | "current"
  /** The one it replaced, presented again within the reuse window: answer the pair the first use got. */
  | "replayed"
  /** An older one, or the replaced one too late: the token was copied, revoke the login. */
  | "reused";

/** `lastUsedAt` moves at most this often. */
export const LAST_USED_RESOLUTION_MS = 60_000;

export interface SessionProps {
  readonly id: string;
  readonly userId: string;
  readonly kind: SessionKind;
  /** Token logins: the `jti` of the one refresh token of this login that may be spent now. */
  readonly refreshTokenId: string | null;
  /** Token logins: the `jti` of the access token issued with it (to issue the identical pair again). */
  readonly accessTokenId: string | null;
  /** Token logins: when the current pair was issued. */
  readonly issuedAt: Date | null;
  /** Token logins: the refresh token whose spending issued the current pair, `null` before the first rotation. */
  readonly rotatedFrom: string | null;
  /** Cookie logins: the SHA-256 of the `sessionid` cookie's key (never the key itself). */
  readonly keyHash: string | null;
  /**
   * The user's `tokenVersion` this login is valid under: a new password or a deactivation
   * bumps the user's, which ends every login made before (and any login that raced it).
   * `null` for a login made before this was recorded: its tokens carry the version instead.
   */
  readonly tokenVersion: number | null;
  readonly createdAt: Date;
  readonly lastUsedAt: Date;
  /** When the current credential (refresh token or cookie) expires. */
  readonly expiresAt: Date;
  /** The absolute end of the login, however often it is refreshed. */
  readonly endsAt: Date;
  readonly ipAddress: string | null;
  readonly userAgent: string | null;
  readonly revokedAt: Date | null;
  readonly revocationReason: RevocationReason | null;
}

/** What the guard reads of a login on every request: whose it is, how it authenticates, and whether it is still live. */
export type SessionStateProps = Pick<
  SessionProps,
  "id" | "userId" | "kind" | "tokenVersion" | "lastUsedAt" | "expiresAt" | "endsAt" | "revokedAt"
>;

/**
 * A login as the guard sees it on every request: the columns that say whose it is and
 * whether it may still be used, without its tokens, key, client and history, which only
 * a refresh or a list of logins reads (`Session`, which is one).
 */
export class SessionState implements SessionStateProps {
  declare readonly id: string;
  declare readonly userId: string;
  declare readonly kind: SessionKind;
  declare readonly tokenVersion: number | null;
  declare readonly lastUsedAt: Date;
  declare readonly expiresAt: Date;
  declare readonly endsAt: Date;
  declare readonly revokedAt: Date | null;

  protected constructor(props: SessionStateProps) {
    Object.assign(this, props);
  }

  /** The state of a login: these fields of `login` (a stored row's, or a whole `Session`'s), and no others. */
  static of(login: SessionStateProps): SessionState {
    const { id, userId, kind, tokenVersion, lastUsedAt, expiresAt, endsAt, revokedAt } = login;
    return new SessionState({ id, userId, kind, tokenVersion, lastUsedAt, expiresAt, endsAt, revokedAt });
  }

  /** Not revoked, and neither its credential nor the login itself has ended. */
  isLive(now: Date): boolean {
    return this.revokedAt === null && now.getTime() < this.expiresAt.getTime() && now.getTime() < this.endsAt.getTime();
  }

  /** Whether the login is valid under the user's current `tokenVersion` (`claimed`: what a token of a login from before says). */
  isCurrentFor(userTokenVersion: number, claimed: number | null = null): boolean {
    return (this.tokenVersion ?? claimed) === userTokenVersion;
  }

  /** Whether `lastUsedAt` should move to `now` (at most once a minute). */
  isDueForUse(now: Date): boolean {
    return now.getTime() - this.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS;
  }
}

/** The current pair of a token login: what it takes to issue the identical pair again. */
export interface IssuedPair {
  readonly refreshTokenId: string;
  readonly accessTokenId: string;
  readonly issuedAt: Date;
  /** When its refresh token expires. */
  readonly expiresAt: Date;
}

/**
 * One login: a successful token login and the family of refresh tokens that descend from
 * it by rotation, or a browser's cookie session. Only the newest refresh token of a family
 * may be spent; the one it replaced, presented again within the reuse window, gets the
 * same pair again (two tabs refreshing at once); anything older means the token was
 * copied, and the whole login is revoked.
 */
export class Session extends SessionState implements SessionProps {
  declare readonly refreshTokenId: string | null;
  declare readonly accessTokenId: string | null;
  declare readonly issuedAt: Date | null;
  declare readonly rotatedFrom: string | null;
  declare readonly keyHash: string | null;
  declare readonly createdAt: Date;
  declare readonly ipAddress: string | null;
  declare readonly userAgent: string | null;
  declare readonly revocationReason: RevocationReason | null;

  private constructor(props: SessionProps) {
    super(props);
  }

  /**
   * A token login whose first pair (`pair`, its refresh token expiring at `expiresAt`) was
   * issued at `now`; the login ends at `endsAt` (LOGIN_MAX_AGE after `now`) whatever follows.
   */
  static startWithTokens(input: StartInput & { pair: Omit<IssuedPair, "issuedAt" | "expiresAt"> }): Session {
    return new Session({
      ...Session.base(input),
      kind: "token",
      refreshTokenId: input.pair.refreshTokenId,
      accessTokenId: input.pair.accessTokenId,
      issuedAt: input.now,
      keyHash: null,
    });
  }

  /** A cookie login, whose key's hash is `keyHash`, its cookie expiring at `expiresAt`. */
  static startWithCookie(input: StartInput & { keyHash: string }): Session {
    return new Session({
      ...Session.base(input),
      kind: "cookie",
      refreshTokenId: null,
      accessTokenId: null,
      issuedAt: null,
      keyHash: input.keyHash,
    });
  }

  private static base(input: StartInput) {
    return {
      id: input.id,
      userId: input.userId,
      rotatedFrom: null,
      tokenVersion: input.tokenVersion,
      createdAt: input.now,
      lastUsedAt: input.now,
      // No credential of a login outlives the login.
      expiresAt: earlier(input.expiresAt, input.endsAt),
      endsAt: input.endsAt,
      ipAddress: clip(input.client.address, CLIENT_ADDRESS_MAX_LENGTH),
      userAgent: clip(input.client.userAgent, USER_AGENT_MAX_LENGTH),
      revokedAt: null,
      revocationReason: null,
    };
  }

  static rehydrate(props: SessionProps): Session {
    return new Session(props);
  }

  /** What the refresh token `tokenId` presented at `now` is to this login. */
  judgeRefresh(tokenId: string, now: Date, reuseWindowMs: number): RefreshJudgement {
    if (tokenId === this.refreshTokenId) return "current";
    const replayed =
      tokenId === this.rotatedFrom &&
      this.issuedAt !== null &&
      now.getTime() - this.issuedAt.getTime() <= reuseWindowMs;
    return replayed ? "replayed" : "reused";
  }

  /** The pair issued last, to be issued again identically; `null` for a cookie login. */
  currentPair(): IssuedPair | null {
    if (this.refreshTokenId === null || this.accessTokenId === null || this.issuedAt === null) return null;
    return {
      refreshTokenId: this.refreshTokenId,
      accessTokenId: this.accessTokenId,
      issuedAt: this.issuedAt,
      expiresAt: this.expiresAt,
    };
  }

  /**
   * Spends the current refresh token for a new pair issued now; the login's end stays
   * where it was. `tokenVersion`: the user's, which the caller checked the login is valid
   * under (a login from before versions were recorded adopts it here).
   */
  rotate(input: { pair: Omit<IssuedPair, "issuedAt">; now: Date; tokenVersion: number }): Session {
    return new Session({
      ...this,
      refreshTokenId: input.pair.refreshTokenId,
      accessTokenId: input.pair.accessTokenId,
      issuedAt: input.now,
      rotatedFrom: this.refreshTokenId,
      expiresAt: earlier(input.pair.expiresAt, this.endsAt),
      lastUsedAt: input.now,
      tokenVersion: input.tokenVersion,
    });
  }

  revoke(now: Date, reason: RevocationReason): Session {
    if (this.revokedAt !== null) return this;
    return new Session({ ...this, revokedAt: now, revocationReason: reason });
  }
}

interface StartInput {
  readonly id: string;
  readonly userId: string;
  readonly tokenVersion: number;
  readonly now: Date;
  readonly expiresAt: Date;
  readonly endsAt: Date;
  readonly client: ClientInfo;
}

/** At most `max` code points of `text`, cut so that no character is split. */
function clip(text: string | null, max: number): string | null {
  if (text === null) return null;
  const characters = [...text];
  return characters.length <= max ? text : characters.slice(0, max).join("");
}

function earlier(a: Date, b: Date): Date {
  return a.getTime() <= b.getTime() ? a : b;
}
