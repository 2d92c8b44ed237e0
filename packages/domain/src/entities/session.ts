export interface SessionProps {
  readonly id: string;
  readonly userId: string;
  /** The `jti` of the one refresh token of this login that may still be spent. */
  readonly refreshTokenId: string;
  /** The refresh token that the current one replaced, `null` before the first rotation. */
  readonly rotatedFrom: string | null;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly revokedAt: Date | null;
}

/**
 * One login: the family of refresh tokens that descend from it by rotation. Only the
 * newest token of the family may be spent; presenting an older one means it was copied,
 * and the whole family is revoked.
 */
export class Session implements SessionProps {
  readonly id: string;
  readonly userId: string;
  readonly refreshTokenId: string;
  readonly rotatedFrom: string | null;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly revokedAt: Date | null;

  private constructor(props: SessionProps) {
    this.id = props.id;
    this.userId = props.userId;
    this.refreshTokenId = props.refreshTokenId;
    this.rotatedFrom = props.rotatedFrom;
    this.createdAt = props.createdAt;
    this.expiresAt = props.expiresAt;
    this.revokedAt = props.revokedAt;
  }

  static start(input: { id: string; userId: string; refreshTokenId: string; now: Date; expiresAt: Date }): Session {
    return new Session({
      id: input.id,
      userId: input.userId,
      refreshTokenId: input.refreshTokenId,
      rotatedFrom: null,
      createdAt: input.now,
      expiresAt: input.expiresAt,
      revokedAt: null,
    });
  }

  static rehydrate(props: SessionProps): Session {
    return new Session(props);
  }

  isUsable(now: Date): boolean {
    return this.revokedAt === null && now.getTime() < this.expiresAt.getTime();
  }

  /** Whether `tokenId` is the refresh token this session may still spend. */
  isCurrent(tokenId: string): boolean {
    return this.refreshTokenId === tokenId;
  }

  /** Spends the current refresh token for `nextTokenId`, which lives until `expiresAt`. */
  rotate(nextTokenId: string, expiresAt: Date): Session {
    return new Session({ ...this, refreshTokenId: nextTokenId, rotatedFrom: this.refreshTokenId, expiresAt });
  }

  revoke(now: Date): Session {
    if (this.revokedAt !== null) return this;
    return new Session({ ...this, revokedAt: now });
  }
}
