import { defineEntity, type InferEntity, p } from "@mikro-orm/core";
import { UserRecord } from "./user.record.ts";

/** The `sessions` table: one row per login, holding the one refresh token it may still spend. */
export const SessionRecord = defineEntity({
  name: "SessionRecord",
  tableName: "sessions",
  properties: {
    id: p.uuid().primary(),
    userId: () =>
      p.manyToOne(UserRecord).mapToPk().fieldName("user_id").deleteRule("cascade").index("sessions_user_id_index"),
    refreshTokenId: p.uuid().fieldName("refresh_token_id").unique("sessions_refresh_token_id_unique"),
    rotatedFrom: p.uuid().fieldName("rotated_from").nullable(),
    createdAt: p.datetime().columnType("timestamptz").fieldName("created_at"),
    expiresAt: p.datetime().columnType("timestamptz").fieldName("expires_at"),
    revokedAt: p.datetime().columnType("timestamptz").fieldName("revoked_at").nullable(),
  },
});

export type SessionRecord = InferEntity<typeof SessionRecord>;
