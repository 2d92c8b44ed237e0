/**
 * `pnpm bench:db`: the list's page 1 at 1,000 and 100,000 tasks (list-for-owner.ts).
 * `pnpm bench:db --indexes`: what each index on `tasks` buys the reads and costs the writes (index-costs.ts).
 */
if (process.argv.includes("--indexes")) await import("./index-costs.ts");
else await import("./list-for-owner.ts");
