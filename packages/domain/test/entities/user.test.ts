import { describe, expect, it } from "vitest";
import { canonicalUsername, couldBeUsername, USERNAME_MAX_LENGTH, User, ValidationError } from "../../src/index.ts";
import { aUser, START, text } from "../../src/testing/index.ts";

const INVALID_USERNAME =
  "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.";

function errorsOf(action: () => unknown): Readonly<Record<string, readonly string[]>> {
  try {
    action();
  } catch (error) {
    if (error instanceof ValidationError) return error.errors;
    throw error;
  }
  throw new Error("expected a ValidationError");
}

describe("User.validate", () => {
  it.each(["alice", "Zoë", "用户", "a.b+c-d_e@f", "007"])("accepts the username %j", (username) => {
    expect(() => User.validate({ username })).not.toThrow();
  });

  it("trims the username and the email", () => {
    expect(User.validate({ username: "  alice ", email: " alice@example.com\n" })).toEqual({
      username: "alice",
      email: "alice@example.com",
    });
  });

  it("brings the username to its NFKC form but keeps its case", () => {
    expect(User.validate({ username: "Ａｌｉｃｅ" }).username).toBe("Alice");
  });

  it("treats a missing email as empty", () => {
    expect(User.validate({ username: "alice" }).email).toBe("");
  });

  it.each(["", "   "])("refuses the blank username %j", (username) => {
    expect(errorsOf(() => User.validate({ username }))).toEqual({ username: ["This field may not be blank."] });
  });

  it("allows at most 150 characters, counting code points rather than UTF-16 units", () => {
    // U+20000 is a letter outside the Basic Multilingual Plane: two UTF-16 units each.
    expect(User.validate({ username: text(USERNAME_MAX_LENGTH, "\u{20000}") }).username).toHaveLength(300);
    expect(errorsOf(() => User.validate({ username: text(USERNAME_MAX_LENGTH + 1) }))).toEqual({
      username: ["Ensure this field has no more than 150 characters."],
    });
  });

  it.each(["al ice", "alice!", "a#b", "a/b", "<script>", "a\u0000b"])("refuses the username %j", (username) => {
    expect(errorsOf(() => User.validate({ username }))).toEqual({ username: [INVALID_USERNAME] });
  });

  it.each(["alice@example.com", "a.b+tag@sub.example.co.uk", "élodie@exemple.fr"])("accepts the email %j", (email) => {
    expect(User.validate({ username: "alice", email }).email).toBe(email);
  });

  it.each(["alice", "alice@", "@example.com", "alice@example", "al ice@example.com", "a@@example.com"])(
    "refuses the email %j",
    (email) => {
      expect(errorsOf(() => User.validate({ username: "alice", email }))).toEqual({
        email: ["Enter a valid email address."],
      });
    },
  );

  it("refuses an email over 254 characters with the length message only", () => {
    const email = `${text(250)}@example.com`;

    expect(errorsOf(() => User.validate({ username: "alice", email }))).toEqual({
      email: ["Ensure this field has no more than 254 characters."],
    });
  });

  it("reports the username and the email together", () => {
    expect(Object.keys(errorsOf(() => User.validate({ username: "", email: "nope" })))).toEqual(["username", "email"]);
  });
});

describe("canonicalUsername", () => {
  it("makes usernames that differ only in case, width or composition equal", () => {
    expect(canonicalUsername("ALICE")).toBe("alice");
    expect(canonicalUsername("Ａｌｉｃｅ")).toBe("alice");
    expect(canonicalUsername("Zoë")).toBe(canonicalUsername("ZOE\u0308"));
  });

  it("trims surrounding white space, as a username is stored", () => {
    expect(canonicalUsername("  alice\t")).toBe("alice");
  });

  it("folds case fully, beyond lower-casing", () => {
    expect(canonicalUsername("STRASSE")).toBe(canonicalUsername("straße"));
    expect(canonicalUsername("ΣΟΦΟΣ")).toBe(canonicalUsername("σοφος"));
    expect(canonicalUsername("ﬁle")).toBe("file");
  });

  it("keeps the dotted capital I apart from a plain i, as Unicode case folding does", () => {
    expect(canonicalUsername("İRIS")).toBe(canonicalUsername("i\u0307ris"));
    expect(canonicalUsername("İRIS")).not.toBe(canonicalUsername("iris"));
  });

  it("is stable: the key of a key is the key", () => {
    for (const username of ["İRIS", "Straße", "ΣΟΦΟΣ", "Ａｌｉｃｅ", "ǅemal"])
      expect(canonicalUsername(canonicalUsername(username))).toBe(canonicalUsername(username));
  });
});

describe("User.create", () => {
  const base = { id: "u1", username: " Alice ", email: "alice@example.com", passwordHash: "h", now: START };

  it("makes an active, non-staff user that has never logged in, keeping the username's case", () => {
    expect({ ...User.create(base) }).toEqual({
      id: "u1",
      username: "Alice",
      email: "alice@example.com",
      passwordHash: "h",
      isStaff: false,
      isSuperuser: false,
      isActive: true,
      dateJoined: START,
      lastLogin: null,
      tokenVersion: 0,
    });
  });

  it("makes staff when asked", () => {
    expect(User.create({ ...base, isStaff: true })).toMatchObject({ isStaff: true, isSuperuser: false });
  });

  it("always makes a superuser staff too", () => {
    expect(User.create({ ...base, isSuperuser: true, isStaff: false })).toMatchObject({
      isStaff: true,
      isSuperuser: true,
    });
  });

  it("validates like User.validate", () => {
    expect(errorsOf(() => User.create({ ...base, username: "no spaces allowed" }))).toEqual({
      username: [INVALID_USERNAME],
    });
  });
});

describe("a user's token version", () => {
  const user = aUser({ tokenVersion: 3, passwordHash: "old" });

  it("moves on with a new password, which is stored", () => {
    const changed = user.withPassword("new");

    expect(changed).toMatchObject({ passwordHash: "new", tokenVersion: 4 });
    expect(user).toMatchObject({ passwordHash: "old", tokenVersion: 3 });
  });

  it("moves on when the user is deactivated", () => {
    expect(user.deactivate()).toMatchObject({ isActive: false, tokenVersion: 4 });
  });

  it("does not move when an inactive user is deactivated again", () => {
    const inactive = aUser({ isActive: false, tokenVersion: 4 });

    expect(inactive.deactivate()).toBe(inactive);
  });

  it("does not move when the user is activated, so tokens revoked by a deactivation stay revoked", () => {
    const activated = aUser({ isActive: false, tokenVersion: 4 }).activate();

    expect(activated).toMatchObject({ isActive: true, tokenVersion: 4 });
  });

  it("leaves an active user as it is when activated", () => {
    expect(user.activate()).toBe(user);
  });

  it("does not move when a login is recorded", () => {
    const now = new Date("2025-04-01T00:00:00.000Z");

    expect(user.recordLogin(now)).toMatchObject({ lastLogin: now, tokenVersion: 3 });
    expect(user.lastLogin).toBeNull();
  });
});

describe("couldBeUsername", () => {
  it("is true only of names User.validate accepts", () => {
    for (const name of ["alice", " Alice ", "ａｌｉｃｅ", "a.b+c@d_e-f", "x".repeat(USERNAME_MAX_LENGTH)])
      expect(couldBeUsername(name), name).toBe(true);
    for (const name of ["", " ", "a\u0000b", "\udc00", "a b", "x".repeat(USERNAME_MAX_LENGTH + 1)])
      expect(couldBeUsername(name), name).toBe(false);
  });

  it("goes with an email that has a NUL being refused", () => {
    expect(() => User.validate({ username: "alice", email: "a\u0000@example.com" })).toThrow(ValidationError);
  });
});
