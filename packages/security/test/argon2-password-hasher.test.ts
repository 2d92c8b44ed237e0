import { describe, expect, it } from "vitest";
import { Argon2PasswordHasher, OWASP_ARGON2_PARAMETERS } from "../src/index.ts";

/** Cheap parameters keep the suite fast; one test below checks the real defaults. */
const hasher = new Argon2PasswordHasher({ memoryCost: 1024, timeCost: 1 });

describe("Argon2PasswordHasher", () => {
  it("uses the OWASP argon2id parameters by default (m=19456, t=2, p=1)", async () => {
    expect(OWASP_ARGON2_PARAMETERS).toEqual({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    const hashed = await new Argon2PasswordHasher().hash("correct horse battery staple");
    expect(hashed).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  });

  it("writes the parameters it was given into the hash", async () => {
    expect(await hasher.hash("pw")).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
  });

  it("verifies the password it hashed", async () => {
    const hashed = await hasher.hash("correct horse battery staple");
    await expect(hasher.verify(hashed, "correct horse battery staple")).resolves.toBe(true);
  });

  it("salts every hash, so the same password hashes differently", async () => {
    const [first, second] = await Promise.all([hasher.hash("same"), hasher.hash("same")]);
    expect(first).not.toBe(second);
  });

  it("refuses a wrong password", async () => {
    const hashed = await hasher.hash("correct horse battery staple");
    await expect(hasher.verify(hashed, "Correct horse battery staple")).resolves.toBe(false);
    await expect(hasher.verify(hashed, "")).resolves.toBe(false);
  });

  it("handles non-ASCII passwords", async () => {
    const hashed = await hasher.hash("pâsswörd 🔑");
    await expect(hasher.verify(hashed, "pâsswörd 🔑")).resolves.toBe(true);
    await expect(hasher.verify(hashed, "passwörd 🔑")).resolves.toBe(false);
  });

  it("verifies a hash made with other parameters, since they travel in the hash", async () => {
    const hashed = await hasher.hash("pw");
    await expect(new Argon2PasswordHasher({ memoryCost: 2048, timeCost: 2 }).verify(hashed, "pw")).resolves.toBe(true);
  });

  it.each([
    "",
    "not a hash",
    "$argon2id$v=19$m=1024,t=1,p=1$",
    "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0$!!!",
    "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
    "pbkdf2_sha256$870000$salt$c29tZWhhc2g=",
  ])("answers false, without throwing, for the malformed or unknown hash %j", async (hashed) => {
    await expect(hasher.verify(hashed, "pw")).resolves.toBe(false);
  });
});
