import { defineEntity, type InferEntity, p } from "@mikro-orm/core";
import { EMAIL_MAX_LENGTH, USERNAME_MAX_LENGTH } from "@tasks/domain";

/**
 * The `users` table. A storage schema, not the domain `User`: it types the rows the
 * repositories map to and from the domain, and no rule or hashing lives here.
 */
export const UserRecord = defineEntity({
  name: "UserRecord",
  tableName: "users",
  properties: {
    id: p.uuid().primary(),
    username: p.text(),
    // The domain's canonicalUsername of `username`: what uniqueness and look-ups compare.
    usernameKey: p.text().fieldName("username_key").unique("users_username_key_unique"),
    email: p.text().default(""),
    passwordHash: p.text().fieldName("password_hash"),
    isStaff: p.boolean().fieldName("is_staff").default(false),
    isSuperuser: p.boolean().fieldName("is_superuser").default(false),
    isActive: p.boolean().fieldName("is_active").default(true),
    dateJoined: p.datetime().columnType("timestamptz").fieldName("date_joined"),
    lastLogin: p.datetime().columnType("timestamptz").fieldName("last_login").nullable(),
    tokenVersion: p.integer().fieldName("token_version").default(0),
  },
  indexes: [{ name: "users_date_joined_id_index", properties: ["dateJoined", "id"] }],
  // Deletes a deleted user's rows of `task_counts` (see task-count.record.ts); its function,
  // `task_counts_forget_owners`, is in the migration that added it. Declared here so that the
  // schema diff knows it.
  triggers: [
    {
      name: "users_task_counts_forget",
      timing: "after",
      events: ["delete"],
      forEach: "statement",
      expression:
        'create trigger "users_task_counts_forget" after delete on "users" referencing old table as old_users ' +
        "for each statement execute function task_counts_forget_owners()",
    },
  ],
  checks: [
    {
      name: "users_username_length_check",
      expression: `char_length(username) >= 1 and char_length(username) <= ${USERNAME_MAX_LENGTH}`,
    },
    { name: "users_email_length_check", expression: `char_length(email) <= ${EMAIL_MAX_LENGTH}` },
    { name: "users_token_version_check", expression: "token_version >= 0" },
  ],
});

export type UserRecord = InferEntity<typeof UserRecord>;
