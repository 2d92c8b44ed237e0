import { Argon2PasswordHasher, defaultTokenSettings, JwtTokenService } from "../src/index.ts";

/** Prints how long hashing and token work take here; run it, never assert on it. */
async function measure(name: string, runs: number, work: () => unknown): Promise<void> {
  await work();
  const start = performance.now();
  for (let i = 0; i < runs; i++) await work();
  const ms = (performance.now() - start) / runs;
  console.log(
    `${name.padEnd(52)} ${ms.toFixed(3).padStart(9)} ms/op ${Math.round(1000 / ms)
      .toString()
      .padStart(8)} op/s`,
  );
}

const hasher = new Argon2PasswordHasher();
const hashed = await hasher.hash("correct horse battery staple");
await measure("argon2id hash (m=19456, t=2, p=1)", 20, () => hasher.hash("correct horse battery staple"));
await measure("argon2id verify (m=19456, t=2, p=1)", 20, () => hasher.verify(hashed, "correct horse battery staple"));

const settings = defaultTokenSettings("a-bench-secret-that-is-32-bytes!");
const tokens = new JwtTokenService(settings, { now: () => new Date() });
const claims = { userId: "user-1", sessionId: "session-1", tokenId: "token-1", tokenVersion: 0 };
const options = () => ({ issuedAt: new Date(), notAfter: new Date(Date.now() + 3_600_000) });
const { token } = await tokens.issueAccessToken(claims, options());
await measure("JwtTokenService.issueAccessToken", 20_000, () => tokens.issueAccessToken(claims, options()));
await measure("JwtTokenService.verifyAccessToken", 20_000, () => tokens.verifyAccessToken(token));
