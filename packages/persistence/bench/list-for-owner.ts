/**
 * The median time of `listForOwner` (default ordering, page size 20, page 1 and a middle
 * page) for one user with 1,000 and with 100,000 tasks, through the repository and
 * through the same two queries written by hand: with `pg` on PostgreSQL, with PGlite's
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

/** The page query and the count query of `listForOwner`, by hand, run together as the repository runs them. */
type HandWritten = (ownerId: string, offset: number) => Promise<TaskPage>;

const PAGE_SQL =
  "select id, owner_id, title, description, status, created_at, updated_at from tasks " +
  "where owner_id = $1 order by created_at desc, id desc limit $2 offset $3";
const COUNT_SQL = "select count(*)::int as count from tasks where owner_id = $1";

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
  await em.execute("insert into users (id, username, password_hash, date_joined) values (?, ?, 'x', now())", [
    ownerId,
    `bench-${ownerId.slice(0, 8)}`,
  ]);
  await em.execute(
    `insert into tasks (id, owner_id, title, description, status, created_at, updated_at)
     select gen_random_uuid(), ?, 'Task number ' || i, 'Some words about task ' || i,
            (array['todo', 'doing', 'done'])[i % 3 + 1]::task_status,
            timestamptz '2025-01-01' + i * interval '1 minute', timestamptz '2025-01-01' + i * interval '1 minute'
     from generate_series(1, ?) as i`,
    [ownerId, tasks],
  );
  await em.execute("analyze tasks");
  return ownerId;
}

/**
 * Medians of the two ways, run in alternation (each first every other time) so that the
 * load of a shared machine weighs on both alike.
 */
async function medians(
  repository: () => Promise<TaskPage>,
  byHand: () => Promise<TaskPage>,
  expectedCount: number,
  warmup: number,
): Promise<[number, number]> {
  const times: [number[], number[]] = [[], []];
  const ways = [repository, byHand];
  for (let i = 0; i < warmup + RUNS; i++) {
    for (const which of i % 2 === 0 ? [0, 1] : [1, 0]) {
      const started = performance.now();
      const page = await (ways[which] as () => Promise<TaskPage>)();
      const elapsed = performance.now() - started;
      if (page.count !== expectedCount || page.items.length !== PAGE_SIZE) throw new Error("wrong page");
      if (i >= warmup) times[which]?.push(elapsed);
    }
  }
  return [median(times[0]), median(times[1])];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = (sorted.length - 1) / 2;
  return ((sorted[Math.floor(middle)] ?? 0) + (sorted[Math.ceil(middle)] ?? 0)) / 2;
}

interface Row {
  engine: string;
  tasks: number;
  page: number;
  orm: number;
  hand: number;
}

async function measure(engine: string, db: Database, handWritten: HandWritten, size: number): Promise<Row[]> {
  const ownerId = await seed(db, size);
  const rows: Row[] = [];
  for (const page of [1, Math.ceil(size / PAGE_SIZE / 2)]) {
    const request = {
      page,
      pageSize: PAGE_SIZE,
      ordering: [{ field: "created_at", direction: "desc" }],
      statuses: [],
    } as const;
    const [orm, hand] = await medians(
      () => db.tasks.listForOwner(ownerId, request),
      () => handWritten(ownerId, (page - 1) * PAGE_SIZE),
      size,
      rows.length === 0 && size === SIZES[0] ? FIRST_WARMUP : WARMUP,
    );
    rows.push({ engine, tasks: size, page, orm, hand });
  }
  await ormOf(db).em.fork().execute("delete from users where id = ?", [ownerId]);
  return rows;
}

async function benchPostgres(): Promise<Row[]> {
  const server = await createTestDatabase();
  const db = await openDatabase({ url: server.url });
  const pool = new pg.Pool({ connectionString: server.url, max: 10 });
  try {
    await db.migrate();
    const handWritten: HandWritten = async (ownerId, offset) => {
      const [page, count] = await Promise.all([
        pool.query<TaskRow>(PAGE_SQL, [ownerId, PAGE_SIZE, offset]),
        pool.query<{ count: number }>(COUNT_SQL, [ownerId]),
      ]);
      return { items: page.rows.map(toTask), count: count.rows[0]?.count ?? 0 };
    };
    const rows: Row[] = [];
    for (const size of SIZES) rows.push(...(await measure("PostgreSQL", db, handWritten, size)));
    return rows;
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
    const handWritten: HandWritten = async (ownerId, offset) => {
      const page = await pglite.query<TaskRow>(PAGE_SQL, [ownerId, PAGE_SIZE, offset]);
      const count = await pglite.query<{ count: number }>(COUNT_SQL, [ownerId]);
      return { items: page.rows.map(toTask), count: count.rows[0]?.count ?? 0 };
    };
    const rows: Row[] = [];
    for (const size of SIZES) rows.push(...(await measure("PGlite (in memory)", test.database, handWritten, size)));
    return rows;
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
    const handWritten: HandWritten = async (ownerId, offset) => {
      const [page, count] = await Promise.all([
        pool.query<TaskRow>(PAGE_SQL, [ownerId, PAGE_SIZE, offset]),
        pool.query<{ count: number }>(COUNT_SQL, [ownerId]),
      ]);
      return { items: page.rows.map(toTask), count: count.rows[0]?.count ?? 0 };
    };
    return await measure("PGlite (DATA_DIR, a guest on its socket)", guest, handWritten, SIZES[0] ?? 1_000);
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

const hand = (engine: string) => (engine === "PGlite (in memory)" ? "pglite.query by hand" : "pg by hand");
console.log(`\nlistForOwner, page size ${PAGE_SIZE}, ordering -created_at: median of ${RUNS} runs (ms)\n`);
console.log("| engine | tasks | page | repository (MikroORM) | same SQL by hand | ratio |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
for (const row of rows)
  console.log(
    `| ${row.engine} | ${row.tasks.toLocaleString("en")} | ${row.page} | ${row.orm.toFixed(2)} | ${row.hand.toFixed(2)} (${hand(row.engine)}) | ${(row.orm / row.hand).toFixed(2)}x |`,
  );
