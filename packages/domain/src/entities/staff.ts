import { PermissionDenied } from "../errors.ts";
import type { User } from "./user.ts";

/**
 * Who acts in the web admin: an active staff user. Staff manage ordinary users and every
 * task; only superusers create, change or delete staff and superusers (Django's admin
 * with its permissions narrowed to these two levels).
 */
export interface StaffMember {
  readonly userId: string;
  readonly username: string;
  readonly isSuperuser: boolean;
}

/** The user as a staff member; a user who is not active staff is refused. */
export function staffMember(user: User): StaffMember {
  if (!user.isActive || !user.isStaff) throw new PermissionDenied();
  return { userId: user.id, username: user.username, isSuperuser: user.isSuperuser };
}

/** Whether the staff member may create, change or delete a user with these flags. */
export function mayManageUser(staff: StaffMember, user: { isStaff: boolean; isSuperuser: boolean }): boolean {
  return staff.isSuperuser || (!user.isStaff && !user.isSuperuser);
}

export function assertMayManageUser(staff: StaffMember, user: { isStaff: boolean; isSuperuser: boolean }): void {
  if (!mayManageUser(staff, user))
    throw new PermissionDenied("Only a superuser may add, change or delete staff users and superusers.");
}
