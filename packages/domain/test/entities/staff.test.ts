import { describe, expect, it } from "vitest";
import { assertMayManageUser, mayManageUser, PermissionDenied, staffMember } from "../../src/index.ts";
import { aUser } from "../../src/testing/index.ts";

const STAFF = { userId: "staff-id", username: "sam", isSuperuser: false };
const SUPERUSER = { userId: "root-id", username: "root", isSuperuser: true };
const ORDINARY = { isStaff: false, isSuperuser: false };
const STAFF_USER = { isStaff: true, isSuperuser: false };
const SUPERUSER_USER = { isStaff: true, isSuperuser: true };
// Not made by any use case (a superuser is always staff), but storage could hold one.
const SUPERUSER_NOT_STAFF = { isStaff: false, isSuperuser: true };

describe("staffMember", () => {
  it("makes an active staff user a staff member, keeping whether they are a superuser", () => {
    const sam = aUser({ username: "sam", isStaff: true });
    const root = aUser({ username: "root", isStaff: true, isSuperuser: true });

    expect(staffMember(sam)).toEqual({ userId: sam.id, username: "sam", isSuperuser: false });
    expect(staffMember(root)).toEqual({ userId: root.id, username: "root", isSuperuser: true });
  });

  it.each([
    ["a user who is not staff", { isStaff: false }],
    ["an inactive staff user", { isStaff: true, isActive: false }],
    ["an inactive superuser", { isStaff: true, isSuperuser: true, isActive: false }],
  ])("refuses %s", (_, overrides) => {
    expect(() => staffMember(aUser(overrides))).toThrow(PermissionDenied);
  });
});

describe("mayManageUser", () => {
  it.each([
    ["an ordinary user", ORDINARY, true],
    ["a staff user", STAFF_USER, false],
    ["a superuser", SUPERUSER_USER, false],
    ["a superuser who is not staff", SUPERUSER_NOT_STAFF, false],
  ])("lets staff manage %s: %s", (_, user, allowed) => {
    expect(mayManageUser(STAFF, user)).toBe(allowed);
  });

  it.each([
    ["an ordinary user", ORDINARY],
    ["a staff user", STAFF_USER],
    ["a superuser", SUPERUSER_USER],
  ])("lets a superuser manage %s", (_, user) => {
    expect(mayManageUser(SUPERUSER, user)).toBe(true);
  });
});

describe("assertMayManageUser", () => {
  it("refuses staff a staff target with the reason, as PERMISSION_DENIED", () => {
    const error = (() => {
      try {
        assertMayManageUser(STAFF, STAFF_USER);
      } catch (caught) {
        return caught;
      }
    })();

    expect(error).toBeInstanceOf(PermissionDenied);
    expect(error).toMatchObject({
      code: "PERMISSION_DENIED",
      message: "Only a superuser may add, change or delete staff users and superusers.",
    });
  });

  it("lets staff through for an ordinary user and a superuser for anyone", () => {
    expect(() => assertMayManageUser(STAFF, ORDINARY)).not.toThrow();
    expect(() => assertMayManageUser(SUPERUSER, SUPERUSER_USER)).not.toThrow();
  });
});

describe("PermissionDenied", () => {
  it("says so in Django REST Framework's words by default", () => {
    expect(new PermissionDenied().message).toBe("You do not have permission to perform this action.");
  });
});
