import { defineEntity, type InferEntity, p } from "@mikro-orm/core";
import { HISTORY_ACTIONS, HISTORY_OBJECT_TYPES, OBJECT_REPR_MAX_LENGTH } from "@tasks/domain";
import { UserRecord } from "./user.record.ts";

/**
 * The `history_entries` table: the web admin's history of changes, as Django's
 * `django_admin_log`. `object_id` is no foreign key, since an entry outlives its object
 * (the history of a deleted task still reads), and deleting the staff user who acted
 * keeps their entries with `user_id` null and their username as it was. `object_type` and
 * `action` are text held to the domain's values by checks (`p.enum` without a native type).
 */
export const HistoryEntryRecord = defineEntity({
  name: "HistoryEntryRecord",
  tableName: "history_entries",
  properties: {
    id: p.uuid().primary(),
    actionTime: p.datetime().columnType("timestamptz").fieldName("action_time"),
    userId: () => p.manyToOne(UserRecord).mapToPk().fieldName("user_id").nullable().deleteRule("set null"),
    username: p.text(),
    objectType: p.enum(HISTORY_OBJECT_TYPES).fieldName("object_type"),
    objectId: p.text().fieldName("object_id"),
    objectRepr: p.string().length(OBJECT_REPR_MAX_LENGTH).fieldName("object_repr"),
    action: p.enum(HISTORY_ACTIONS),
    changeMessage: p.text().fieldName("change_message"),
  },
  indexes: [
    // An object's history page: oldest first.
    {
      name: "history_entries_object_action_time_id_index",
      properties: ["objectType", "objectId", "actionTime", "id"],
    },
    // A staff member's recent actions, newest first, by a backward scan; also what deleting
    // a user looks up to set user_id null. Ascending: MikroORM 7.2.1's schema diff reads
    // `"id" DESC` of an index that also holds `user_id` as the `id` inside `user_id`, so a
    // descending index would show as changed after every migration.
    { name: "history_entries_user_action_time_id_index", properties: ["userId", "actionTime", "id"] },
  ],
});

export type HistoryEntryRecord = InferEntity<typeof HistoryEntryRecord>;
