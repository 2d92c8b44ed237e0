/**
 * The median time of `listForOwner` (page size 20: page 1 in the default ordering, page 1
 * filtered by a status, and a middle page) for one user with 1,000 and with 100,000 tasks,
 * through the repository and through the same two queries written by hand, and the time
 * the count would take as a `count(*)` over the owner's matching tasks (what the
 * per-status counters replaced): with `pg` on PostgreSQL, with PGlite's
 * own client on PGlite in memory (in process, as the API server uses its embedded
 * database); and, for 1,000 tasks, on PGlite in DATA_DIR reached by a guest through its
 * owner's socket, the path of taskctl while the server runs. Run with `pnpm bench:db`
 * (PostgreSQL from TEST_DATABASE_URL, or as `@tasks/testing` finds one; without one, PGlite only).
 */
import { randomUUID } from "node:crypto";
import type { PGlite } from "@electric-sql/pglite";
import type { PgliteConnection } from "@mikro-orm/pglite";
import { Task, type TaskPage, type TaskStatus } from "@tasks/domain";
import { createTestDatabase, findPostgresServer } from "@tasks/testing";
import pg from "pg";
import { type Database, ormOf } from "../src/database.ts";
import { openDatabase } from "../src/index.ts";
import { SOCKET_PORT } from "../src/orm.ts";
import { openTestDatabase } from "../testing/index.ts";

const SIZES = [1_000, 100_000];
const PAGE_SIZE = 20;
const WARMUP = 100;
// Before the first measurement: a server runs these paths warm, once V8 has optimised them.
const FIRST_WARMUP = 1_000;
const RUNS = 100;

interface TaskRow {
  id: string;
  owner_id: string;
  title: string;
  description: string;
  status: TaskStatus;
  created_at: Date;
  updated_at: Date;
}

/** One way to send a statement: `pg` or PGlite's own client. */
type Query = <R extends object>(sql: string, params: unknown[]) => Promise<{ rows: R[] }>;

/** What a list asks for: a page, in the default ordering, of every status or of one. */
interface Case {
  readonly name: string;
  readonly page: (size: number) => number;
  readonly statuses: readonly TaskStatus[];
}

const CASES: Case[] = [
  { name: "page 1", page: () => 1, statuses: [] },
  { name: "page 1, status=doing", page: () => 1, statuses: ["doing"] },
  { name: "middle page", page: (size) => Math.ceil(size / PAGE_SIZE / 2), statuses: [] },
];

const COLUMNS = "id, owner_id, title, description, status, created_at, updated_at";
const PAGE_SQL = `select ${COLUMNS} from tasks where owner_id = $1 order by created_at desc, id desc limit $2 offset $3`;
const STATUS_PAGE_SQL = `select ${COLUMNS} from tasks where owner_id = $1 and status = any($4) order by created_at desc, id desc limit $2 offset $3`;
const COUNT_SQL = "select coalesce(sum(count), 0)::int as count from task_counts where owner_id = $1";
const STATUS_COUNT_SQL = `${COUNT_SQL} and status = any($2)`;
const SCAN_COUNT_SQL = "select count(*)::int as count from tasks where owner_id = $1";
const STATUS_SCAN_COUNT_SQL = `${SCAN_COUNT_SQL} and status = any($2)`;

/** The page query and the count query of `listForOwner`, by hand; `together` runs them at once, as the repository does. */
async function byHand(
  query: Query,
  together: boolean,
  ownerId: string,
  offset: number,
  statuses: readonly TaskStatus[],
) {
  const filtered = statuses.length > 0;
  const page = () =>
    query<TaskRow>(filtered ? STATUS_PAGE_SQL : PAGE_SQL, [
      ownerId,
      PAGE_SIZE,
      offset,
      ...(filtered ? [statuses] : []),
    ]);
  const count = () =>
    query<{ count: number }>(filtered ? STATUS_COUNT_SQL : COUNT_SQL, [ownerId, ...(filtered ? [statuses] : [])]);
  const [rows, counted] = together ? await Promise.all([page(), count()]) : [await page(), await count()];
  return { items: rows.rows.map(toTask), count: counted.rows[0]?.count ?? 0 };
}

/** The count as a scan of the owner's matching tasks. */
async function scanCount(query: Query, ownerId: string, statuses: readonly TaskStatus[]): Promise<number> {
  const filtered = statuses.length > 0;
  const result = await query<{ count: number }>(filtered ? STATUS_SCAN_COUNT_SQL : SCAN_COUNT_SQL, [
    ownerId,
    ...(filtered ? [statuses] : []),
  ]);
  return result.rows[0]?.count ?? 0;
}

function toTask(row: TaskRow): Task {
  return Task.rehydrate({
    id: row.id,
    ownerId: row.owner_id,
    title: row.title,
    description: row.description,
    status: row.status,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  });
}

async function seed(db: Database, tasks: number): Promise<string> {
  const ownerId = randomUUID();
  const em = ormOf(db).em.fork();
  const username = `bench-${ownerId.slice(0, 8)}`;
  await em.execute(
    "insert into users (id, username, username_key, password_hash, date_joined) values (?, ?, ?, 'x', now())",
    [ownerId, username, username],
  );
  await em.execute(
    `insert into tasks (id, owner_id, title, description, status, created_at, updated_at)
     select gen_random_uuid(), ?, 'Task number ' || i, 'Some words about task ' || i,
            (array['todo', 'doing', 'done'])[i % 3 + 1]::task_status,
            timestamptz '2025-01-01' + i * interval '1 minute', timestamptz '2025-01-01' + i * interval '1 minute'
     from generate_series(1, ?) as i`,
    [ownerId, tasks],
  );
  return ownerId;
}

/**
 * Medians of the ways, run in a new random order each round, so that the load of a shared
 * machine weighs on all alike and no way always follows the same other one (whose work
 * would leave the caches warm or cold for it). Each way returns the count it found, which
 * must be its expected count.
 */
async function medians(ways: (() => Promise<number>)[], expectedCounts: number[], warmup: number): Promise<number[]> {
  const times: number[][] = ways.map(() => []);
  const order = ways.map((_, index) => index);
  for (let i = 0; i < warmup + RUNS; i++) {
    for (let index = order.length - 1; index > 0; index--) {
      const other = Math.floor(Math.random() * (index + 1));
      [order[index], order[other]] = [order[other] as number, order[index] as number];
    }
    for (const which of order) {
      const started = performance.now();
      const count = await (ways[which] as () => Promise<number>)();
      const elapsed = performance.now() - started;
      if (count !== expectedCounts[which]) throw new Error(`wrong count: ${count}, expected ${expectedCounts[which]}`);
      if (i >= warmup) times[which]?.push(elapsed);
    }
  }
  return times.map(median);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = (sorted.length - 1) / 2;
  return ((sorted[Math.floor(middle)] ?? 0) + (sorted[Math.ceil(middle)] ?? 0)) / 2;
}

interface Row {
  engine: string;
  tasks: number;
  case: string;
  page: number;
  orm: number;
  hand: number;
  scan: number;
}

/**
 * Every case at every size, the sizes' owners in one database and their runs interleaved,
 * so that a ratio between sizes compares runs made side by side. `settle` runs once the
 * owners are seeded, to leave the tables as the engine would before the runs begin.
 */
async function measure(
  engine: string,
  db: Database,
  query: Query,
  together: boolean,
  sizes: readonly number[],
  settle: string,
): Promise<Row[]> {
  const em = ormOf(db).em.fork();
  const owners: string[] = [];
  for (const size of sizes) owners.push(await seed(db, size));
  await em.execute(settle);
  const rows: Row[] = [];
  for (const each of CASES) {
    const lists: (() => Promise<number>)[] = [];
    const scans: (() => Promise<number>)[] = [];
    const expected: number[] = [];
    sizes.forEach((size, index) => {
      const ownerId = owners[index] as string;
      const page = each.page(size);
      const request = {
        page,
        pageSize: PAGE_SIZE,
        ordering: [{ field: "created_at", direction: "desc" }],
        statuses: each.statuses,
      } as const;
      lists.push(
        () => checked(db.tasks.listForOwner(ownerId, request)),
        () => checked(byHand(query, together, ownerId, (page - 1) * PAGE_SIZE, each.statuses)),
      );
      scans.push(() => scanCount(query, ownerId, each.statuses));
      // The seed makes task i "doing" when i % 3 is 1, for i from 1.
      expected.push(each.statuses.length === 0 ? size : Math.floor((size - 1) / 3) + 1);
    });
    const listed = await medians(
      lists,
      expected.flatMap((count) => [count, count]),
      rows.length === 0 ? FIRST_WARMUP : WARMUP,
    );
    // Apart from the lists: a scan of 100,000 tasks would sweep the caches between them.
    const scanned = await medians(scans, expected, WARMUP);
    sizes.forEach((size, index) => {
      const [orm, hand] = listed.slice(2 * index, 2 * index + 2) as [number, number];
      const scan = scanned[index] as number;
      rows.push({ engine, tasks: size, case: each.name, page: each.page(size), orm, hand, scan });
    });
  }
  for (const ownerId of owners) await em.execute("delete from users where id = ?", [ownerId]);
  return rows;
}

async function checked(list: Promise<TaskPage>): Promise<number> {
  const { items, count } = await list;
  if (items.length !== PAGE_SIZE) throw new Error("wrong page");
  return count;
}

async function benchPostgres(): Promise<Row[]> {
  const server = await createTestDatabase();
  const db = await openDatabase({ url: server.url });
  const pool = new pg.Pool({ connectionString: server.url, max: 10 });
  try {
    await db.migrate();
    const query: Query = async <R extends object>(sql: string, params: unknown[]) => ({
      rows: (await pool.query(sql, params)).rows as R[],
    });
    // As autovacuum leaves a table some time after a bulk insert (statistics, visibility map,
    // hint bits), so that it does not start in the middle of the runs.
    return await measure("PostgreSQL", db, query, true, SIZES, "vacuum analyze tasks");
  } finally {
    await pool.end();
    await db.close();
    await server.drop();
  }
}

async function benchPglite(): Promise<Row[]> {
  const test = await openTestDatabase("pglite", { inMemory: true });
  try {
    const connection = ormOf(test.database).driver.getConnection() as PgliteConnection;
    const pglite: PGlite = await connection.getNativeClient();
    const query: Query = (sql, params) => pglite.query(sql, params);
    // PGlite runs no autovacuum; its statistics, as on PostgreSQL.
    return await measure("PGlite (in memory)", test.database, query, false, SIZES, "analyze tasks");
  } finally {
    await test.close();
  }
}

/** A guest's path to the embedded database: PGlite in DATA_DIR, through the unix socket of the process that owns it. */
async function benchSharedPglite(): Promise<Row[]> {
  const test = await openTestDatabase("pglite");
  const guest = await openDatabase(test.options);
  const pool = new pg.Pool({
    host: test.options.dataDir,
    port: SOCKET_PORT,
    user: "postgres",
    database: "postgres",
    max: 2,
  });
  try {
    const query: Query = async <R extends object>(sql: string, params: unknown[]) => ({
      rows: (await pool.query(sql, params)).rows as R[],
    });
    return await measure(
      "PGlite (DATA_DIR, a guest on its socket)",
      guest,
      query,
      true,
      SIZES.slice(0, 1),
      "analyze tasks",
    );
  } finally {
    await pool.end();
    await guest.close();
    await test.close();
  }
}

const rows: Row[] = [];
const postgres = await findPostgresServer();
if (postgres.found) rows.push(...(await benchPostgres()));
else console.warn(`PostgreSQL left out: ${postgres.reason}`);
rows.push(...(await benchPglite()));
rows.push(...(await benchSharedPglite()));

const ms = (value: number) => value.toFixed(2);
console.log(`\nlistForOwner, page size ${PAGE_SIZE}, ordering -created_at: median of ${RUNS} runs (ms)\n`);
console.log("| engine | tasks | list | page | repository (MikroORM) | same SQL by hand | ratio | count(*) alone |");
console.log("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |");
for (const row of rows)
  console.log(
    `| ${row.engine} | ${row.tasks.toLocaleString("en")} | ${row.case} | ${row.page} | ${ms(row.orm)} | ${ms(row.hand)} | ${(row.orm / row.hand).toFixed(2)}x | ${ms(row.scan)} |`,
  );

console.log(
  `\nThe same list at ${(SIZES[1] ?? 0).toLocaleString("en")} tasks against ${(SIZES[0] ?? 0).toLocaleString("en")}, through the repository\n`,
);
console.log(
  `| engine | list | ${(SIZES[0] ?? 0).toLocaleString("en")} | ${(SIZES[1] ?? 0).toLocaleString("en")} | ratio |`,
);
console.log("| --- | --- | ---: | ---: | ---: |");
for (const large of rows.filter((row) => row.tasks === SIZES[1] && row.case !== "middle page")) {
  const small = rows.find((row) => row.engine === large.engine && row.tasks === SIZES[0] && row.case === large.case);
  if (small !== undefined)
    console.log(
      `| ${large.engine} | ${large.case} | ${ms(small.orm)} | ${ms(large.orm)} | ${(large.orm / small.orm).toFixed(2)}x |`,
    );
}
