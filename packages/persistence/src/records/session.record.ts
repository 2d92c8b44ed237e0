import { defineEntity, type InferEntity, p } from "@mikro-orm/core";
import { CLIENT_ADDRESS_MAX_LENGTH, REVOCATION_REASONS, SESSION_KINDS, USER_AGENT_MAX_LENGTH } from "@tasks/domain";
import { UserRecord } from "./user.record.ts";

const quoted = (values: readonly string[]) => values.map((value) => `'${value}'`).join(", ");

/**
 * The `sessions` table: one row per login. A token login holds the ids of its current
 * pair (and of the refresh token it replaced); a cookie login, the SHA-256 of its key.
 * Neither keeps anything a client could present.
 */
export const SessionRecord = defineEntity({
  name: "SessionRecord",
  tableName: "sessions",
  properties: {
    id: p.uuid().primary(),
    userId: () =>
      p.manyToOne(UserRecord).mapToPk().fieldName("user_id").deleteRule("cascade").index("sessions_user_id_index"),
    kind: p.text(),
    refreshTokenId: p.uuid().fieldName("refresh_token_id").nullable().unique("sessions_refresh_token_id_unique"),
    accessTokenId: p.uuid().fieldName("access_token_id").nullable(),
    issuedAt: p.datetime().columnType("timestamptz").fieldName("issued_at").nullable(),
    rotatedFrom: p.uuid().fieldName("rotated_from").nullable(),
    keyHash: p.text().fieldName("key_hash").nullable().unique("sessions_key_hash_unique"),
    tokenVersion: p.integer().fieldName("token_version").nullable(),
    createdAt: p.datetime().columnType("timestamptz").fieldName("created_at"),
    lastUsedAt: p.datetime().columnType("timestamptz").fieldName("last_used_at"),
    expiresAt: p.datetime().columnType("timestamptz").fieldName("expires_at"),
    endsAt: p.datetime().columnType("timestamptz").fieldName("ends_at"),
    ipAddress: p.text().fieldName("ip_address").nullable(),
    userAgent: p.text().fieldName("user_agent").nullable(),
    revokedAt: p.datetime().columnType("timestamptz").fieldName("revoked_at").nullable(),
    revocationReason: p.text().fieldName("revocation_reason").nullable(),
  },
  checks: [
    { name: "sessions_kind_check", expression: `kind in (${quoted(SESSION_KINDS)})` },
    {
      name: "sessions_revocation_reason_check",
      expression: `revocation_reason is null or revocation_reason in (${quoted(REVOCATION_REASONS)})`,
    },
    { name: "sessions_user_agent_length_check", expression: `char_length(user_agent) <= ${USER_AGENT_MAX_LENGTH}` },
    { name: "sessions_ip_address_length_check", expression: `char_length(ip_address) <= ${CLIENT_ADDRESS_MAX_LENGTH}` },
  ],
});

export type SessionRecord = InferEntity<typeof SessionRecord>;
