/**
 * `pnpm bench:db --indexes`: what each index on `tasks` buys the lists it serves, and what
 * it costs the writes, on PostgreSQL and on PGlite in memory, in a scratch database.
 *
 * The data: one user with 1,000 tasks, one with 100,000 (statuses in turn), one with
 * 100,000 of which 2% are `doing` (most tasks end up done), and 100 others with 1,000 each,
 * so that every list looks for its owner's rows among others'.
 *
 * "Without an index" is measured by dropping it inside a transaction that is rolled back:
 * the planner and the writes then do without it, on the same data in the same cache, and
 * with and without alternate round by round (each first in turn), so that the load of a
 * shared machine weighs on both alike. In each transaction one untimed run goes first
 * (after a drop, the first statement rebuilds the table's cached catalog entries), and
 * with every index a change to the table that alters nothing takes the drop's place.
 * The writes are timed inside those transactions too, so their times leave out the commit;
 * the commit's own cost (one WAL flush, whatever the indexes) is measured on its own.
 *
 * On PostgreSQL the server sends the list as a named prepared statement (see src/orm.ts),
 * which PostgreSQL may run with a generic plan, made without the parameters' values, after
 * five executions: the lists are measured that way too, with and without the index.
 */
import { randomUUID } from "node:crypto";
import type { PGlite } from "@electric-sql/pglite";
import type { PgliteConnection } from "@mikro-orm/pglite";
import { findPostgresServer } from "@tasks/testing";
import pg from "pg";
import { ormOf } from "../src/database.ts";
import { openTestDatabase } from "../testing/index.ts";

/** Every index on `tasks` besides the primary key, as the records declare them. */
const INDEXES = [
  "tasks_owner_created_at_id_index",
  "tasks_owner_updated_at_id_index",
  "tasks_owner_status_id_index",
  "tasks_owner_title_id_index",
  "tasks_owner_status_created_at_id_index",
  "tasks_created_at_id_index",
] as const;
type IndexName = (typeof INDEXES)[number];

const SMALL = 1_000;
const LARGE = 100_000;
const OTHER_OWNERS = 100;
const PAGE_SIZE = 20;
const DEEP_PAGE = 500;
/** The web admin's change list shows 100 a page. */
const ADMIN_PAGE_SIZE = 100;
const READ_ROUNDS = 11;
const READS_PER_ROUND = 3;
const WRITE_ROUNDS = 60;
const WRITES_PER_ROUND = 5;
const COMMITTED_WRITES = 200;

const COLUMNS = `"id", "owner_id", "title", "description", "status", "created_at", "updated_at"`;

/** Sends a statement; with a name, as a named prepared statement (PostgreSQL only). */
type Query = (sql: string, params?: unknown[], name?: string) => Promise<{ rows: Record<string, unknown>[] }>;

/** Whose tasks a list shows. */
type Owner = "1,000 tasks" | "100,000 tasks" | "100,000 tasks, 2% doing" | "all owners";

/** A page of a list as the repositories ask for it, and the index meant to serve it. */
interface ReadCase {
  readonly list: string;
  readonly owner: Owner;
  readonly page: number;
  readonly pageSize: number;
  readonly statuses?: readonly string[];
  readonly orderBy: string;
  readonly index: IndexName;
  /** The web admin's list runs a `count(*)` of the matching tasks before the page. */
  readonly withCount?: boolean;
}

/** The user's orderings (the API's list), each with the index that serves it. */
const USER_LISTS = [
  { list: "-created_at (default)", orderBy: `"created_at" desc, "id" desc`, index: "tasks_owner_created_at_id_index" },
  { list: "-updated_at", orderBy: `"updated_at" desc, "id" desc`, index: "tasks_owner_updated_at_id_index" },
  { list: "status", orderBy: `"status" asc, "id" asc`, index: "tasks_owner_status_id_index" },
  { list: "title", orderBy: `"title" asc, "id" asc`, index: "tasks_owner_title_id_index" },
  {
    list: "status=doing, -created_at",
    orderBy: `"created_at" desc, "id" desc`,
    index: "tasks_owner_status_created_at_id_index",
    statuses: ["doing"],
  },
] as const;

const READ_CASES: ReadCase[] = [
  ...USER_LISTS.flatMap((each) => [
    { ...each, owner: "1,000 tasks" as const, page: 1, pageSize: PAGE_SIZE },
    { ...each, owner: "100,000 tasks" as const, page: 1, pageSize: PAGE_SIZE },
    { ...each, owner: "100,000 tasks" as const, page: DEEP_PAGE, pageSize: PAGE_SIZE },
  ]),
  // 2,000 `doing` tasks make 100 pages.
  ...[1, 100].map((page) => ({
    ...USER_LISTS[4],
    list: "status=doing, -created_at",
    owner: "100,000 tasks, 2% doing" as const,
    page,
    pageSize: PAGE_SIZE,
  })),
  // Two statuses: no index gives them in created_at order (the scan of one would have to be merged with the other's).
  ...[1, DEEP_PAGE].map((page) => ({
    ...USER_LISTS[4],
    list: "status=todo,doing, -created_at",
    statuses: ["todo", "doing"],
    owner: "100,000 tasks" as const,
    page,
    pageSize: PAGE_SIZE,
  })),
  ...[false, true].map((withCount) => ({
    list: withCount ? "admin: -created_at, with its count(*)" : "admin: -created_at, the page query",
    owner: "all owners" as const,
    page: 1,
    pageSize: ADMIN_PAGE_SIZE,
    orderBy: `"created_at" desc, "id" desc`,
    index: "tasks_created_at_id_index" as const,
    withCount,
  })),
];

interface Owners {
  readonly ids: Record<Exclude<Owner, "all owners">, string>;
  readonly total: number;
}

async function seed(query: Query): Promise<Owners> {
  const ids = {
    "1,000 tasks": randomUUID(),
    "100,000 tasks": randomUUID(),
    "100,000 tasks, 2% doing": randomUUID(),
  };
  const addUser = (id: string) =>
    query(
      "insert into users (id, username, username_key, password_hash, date_joined) values ($1, $2, $2, 'x', now())",
      [id, `bench-${id.slice(0, 8)}`],
    );
  // Created a minute apart, updated up to a month later, so that the two orders differ.
  const addTasks = (owner: string, count: number, status: string) =>
    query(
      `insert into tasks (id, owner_id, title, description, status, created_at, updated_at)
       select gen_random_uuid(), $1, 'Task number ' || i, 'Some words about task ' || i, ${status},
              timestamptz '2025-01-01' + i * interval '1 minute',
              timestamptz '2025-01-01' + i * interval '1 minute' + (i * 7919 % 43200) * interval '1 minute'
       from generate_series(1, $2::int) as i`,
      [owner, count],
    );
  const inTurn = "(array['todo', 'doing', 'done'])[i % 3 + 1]::task_status";
  for (const id of Object.values(ids)) await addUser(id);
  await addTasks(ids["1,000 tasks"], SMALL, inTurn);
  await addTasks(ids["100,000 tasks"], LARGE, inTurn);
  await addTasks(
    ids["100,000 tasks, 2% doing"],
    LARGE,
    "(case when i % 50 = 0 then 'doing' when i % 50 < 9 then 'todo' else 'done' end)::task_status",
  );
  for (let other = 0; other < OTHER_OWNERS; other++) {
    const id = randomUUID();
    await addUser(id);
    await addTasks(id, SMALL, inTurn);
  }
  await query("vacuum analyze tasks");
  const counted = await query("select count(*)::int as count from tasks");
  return { ids, total: Number(counted.rows[0]?.count) };
}

/** Fails when `tasks` has indexes other than the primary key and `INDEXES`, so that the bench follows the schema. */
async function checkIndexes(query: Query): Promise<Map<string, number>> {
  const result = await query(
    `select c.relname as name, pg_relation_size(c.oid)::bigint as bytes from pg_index i
     join pg_class c on c.oid = i.indexrelid where i.indrelid = 'tasks'::regclass and not i.indisprimary`,
  );
  const sizes = new Map(result.rows.map((row) => [String(row.name), Number(row.bytes)]));
  const expected = [...INDEXES].sort().join(", ");
  if ([...sizes.keys()].sort().join(", ") !== expected)
    throw new Error(`tasks has the indexes ${[...sizes.keys()].join(", ")}, the bench knows ${expected}`);
  return sizes;
}

function pageQuery(each: ReadCase, owners: Owners): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (each.owner !== "all owners") {
    params.push(owners.ids[each.owner]);
    where.push(`"owner_id" = $${params.length}`);
  }
  if (each.statuses !== undefined) {
    const first = params.length + 1;
    params.push(...each.statuses);
    where.push(`"status" in (${each.statuses.map((_, i) => `$${first + i}`).join(", ")})`);
  }
  params.push(each.pageSize, (each.page - 1) * each.pageSize);
  const filter = where.length > 0 ? ` where ${where.join(" and ")}` : "";
  return {
    sql: `select ${COLUMNS} from "tasks"${filter} order by ${each.orderBy} limit $${params.length - 1} offset $${params.length}`,
    params,
  };
}

/** Runs `body` in a transaction that is rolled back, without `dropped` if one is named. */
async function inTransaction<T>(query: Query, dropped: IndexName | undefined, body: () => Promise<T>): Promise<T> {
  await query("begin");
  try {
    // With every index, a change that alters nothing stands in for the drop: the same lock
    // on the table and the same rebuilt catalog entries, so that only the index differs.
    await query(
      dropped === undefined
        ? `alter table "tasks" alter column "description" set default ''`
        : `drop index "${dropped}"`,
    );
    return await body();
  } finally {
    await query("rollback");
  }
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = (sorted.length - 1) / 2;
  return ((sorted[Math.floor(middle)] ?? 0) + (sorted[Math.ceil(middle)] ?? 0)) / 2;
}

/** The plan's scans and sorts, innermost first: `Index Scan Backward owner_created_at_id < Incremental Sort`. */
function planSummary(plan: unknown): string {
  const steps: string[] = [];
  const walk = (node: Record<string, unknown>) => {
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
    const type = String(node["Node Type"]);
    if (type === "Limit" || type === "Gather Merge" || type === "Gather") return;
    const direction = node["Scan Direction"] === "Backward" ? " Backward" : "";
    const index = typeof node["Index Name"] === "string" ? ` ${shortName(node["Index Name"])}` : "";
    const filter = node.Filter === undefined ? "" : " (filter)";
    steps.push(`${type}${direction}${index}${filter}`);
  };
  const root = (typeof plan === "string" ? JSON.parse(plan) : plan) as { Plan: Record<string, unknown> }[];
  if (root[0] !== undefined) walk(root[0].Plan);
  return steps.join(" < ");
}

function shortName(index: string): string {
  return index.replace(/^tasks_/, "").replace(/_index$/, "");
}

/** A page's median time and plan with the index and without it. */
interface Compared {
  readonly with: number;
  readonly without: number;
  readonly planWith: string;
  readonly planWithout: string;
}

interface ReadRow {
  readonly case: ReadCase;
  /** Planned for its parameters at each execution (an unnamed statement). */
  readonly custom: Compared;
  /** PostgreSQL only: the generic plan of a named prepared statement, which the server's connections may settle on. */
  readonly generic?: Compared;
}

async function measureRead(query: Query, owners: Owners, each: ReadCase, prepared: boolean): Promise<ReadRow> {
  const { sql, params } = pageQuery(each, owners);
  const name = `bench_${READ_CASES.indexOf(each)}`;
  const literals = params.map((value) => (typeof value === "number" ? String(value) : `'${String(value)}'`));
  const variants = [
    { dropped: undefined, generic: false },
    { dropped: each.index, generic: false },
    ...(prepared
      ? [true, false].map((withIndex) => ({ dropped: withIndex ? undefined : each.index, generic: true }))
      : []),
  ];
  const times: number[][] = variants.map(() => []);
  const plans: string[] = variants.map(() => "");
  for (let round = 0; round < READ_ROUNDS; round++)
    for (let turn = 0; turn < variants.length; turn++) {
      const which = (round + turn) % variants.length;
      const { dropped, generic } = variants[which] ?? {};
      const run = async () => {
        if (each.withCount === true) await query(`select count(*)::int as count from "tasks"`);
        const rows = await query(sql, params, generic ? name : undefined);
        if (rows.rows.length !== each.pageSize) throw new Error(`${each.list}: ${rows.rows.length} rows`);
      };
      await inTransaction(query, dropped, async () => {
        if (generic) await query("set local plan_cache_mode = force_generic_plan");
        await run();
        if (round === 0) {
          const explained = generic
            ? await query(`explain (format json) execute ${name}(${literals.join(", ")})`)
            : await query(`explain (format json) ${sql}`, params);
          plans[which] = planSummary(explained.rows[0]?.["QUERY PLAN"]);
        }
        for (let i = 0; i < READS_PER_ROUND; i++) times[which]?.push(await timed(run));
      });
    }
  const compared = (first: number): Compared => ({
    with: median(times[first] ?? []),
    without: median(times[first + 1] ?? []),
    planWith: plans[first] ?? "",
    planWithout: plans[first + 1] ?? "",
  });
  return { case: each, custom: compared(0), ...(prepared ? { generic: compared(2) } : {}) };
}

interface WriteRow {
  /** Undefined: every index. */
  readonly without: IndexName | undefined;
  readonly insert: number;
  readonly update: number;
}

/**
 * Inserts and status-changing updates of the large owner's tasks, as the repository sends
 * them (an update is one `UPDATE ... RETURNING`), with every index and without each one.
 */
async function measureWrites(query: Query, owners: Owners): Promise<WriteRow[]> {
  const owner = owners.ids["100,000 tasks"];
  const picked = await query(`select "id", "status" from "tasks" where "owner_id" = $1 order by random() limit 2000`, [
    owner,
  ]);
  const next: Record<string, string> = { todo: "doing", doing: "done", done: "todo" };
  let written = 0;
  const insert = () => {
    written++;
    const now = new Date();
    return query(
      `insert into "tasks" ("id", "owner_id", "title", "description", "status", "created_at", "updated_at") values ($1, $2, $3, $4, $5, $6, $7)`,
      [randomUUID(), owner, `A new task ${written}`, "", "todo", now, now],
    );
  };
  const update = () => {
    written++;
    const task = picked.rows[written % picked.rows.length] ?? {};
    return query(
      `update "tasks" set "status" = $1, "updated_at" = $2 where "id" = $3 and "owner_id" = $4 returning ${COLUMNS}`,
      [next[String(task.status)], new Date(), task.id, owner],
    );
  };
  const variants = [undefined, ...INDEXES];
  const inserts: number[][] = variants.map(() => []);
  const updates: number[][] = variants.map(() => []);
  for (let round = 0; round < WRITE_ROUNDS; round++)
    for (let turn = 0; turn < variants.length; turn++) {
      const which = (round + turn) % variants.length;
      await inTransaction(query, variants[which], async () => {
        await insert();
        await update();
        for (let i = 0; i < WRITES_PER_ROUND; i++) {
          inserts[which]?.push(await timed(insert));
          updates[which]?.push(await timed(update));
        }
      });
    }
  return variants.map((without, which) => ({
    without,
    insert: median(inserts[which] ?? []),
    update: median(updates[which] ?? []),
  }));
}

/** The same writes committed one by one, with every index: what a request pays, commit included. */
async function measureCommitted(query: Query, owners: Owners): Promise<{ insert: number; update: number }> {
  const owner = owners.ids["1,000 tasks"];
  const inserts: number[] = [];
  const updates: number[] = [];
  for (let i = 0; i < COMMITTED_WRITES; i++) {
    const id = randomUUID();
    const now = new Date();
    inserts.push(
      await timed(() =>
        query(
          `insert into "tasks" ("id", "owner_id", "title", "description", "status", "created_at", "updated_at") values ($1, $2, $3, $4, $5, $6, $7)`,
          [id, owner, `A committed task ${i}`, "", "todo", now, now],
        ),
      ),
    );
    updates.push(
      await timed(() =>
        query(
          `update "tasks" set "status" = $1, "updated_at" = $2 where "id" = $3 and "owner_id" = $4 returning ${COLUMNS}`,
          ["doing", new Date(), id, owner],
        ),
      ),
    );
  }
  return { insert: median(inserts), update: median(updates) };
}

interface EngineResult {
  readonly engine: string;
  readonly total: number;
  readonly sizes: Map<string, number>;
  readonly reads: ReadRow[];
  readonly writes: WriteRow[];
  readonly committed: { insert: number; update: number };
}

async function bench(engine: string, query: Query, prepared: boolean): Promise<EngineResult> {
  const started = performance.now();
  const owners = await seed(query);
  const sizes = await checkIndexes(query);
  console.error(`${engine}: seeded ${owners.total.toLocaleString("en")} tasks in ${elapsed(started)}`);
  const reads: ReadRow[] = [];
  for (const each of READ_CASES) reads.push(await measureRead(query, owners, each, prepared));
  console.error(`${engine}: reads measured at ${elapsed(started)}`);
  const writes = await measureWrites(query, owners);
  const committed = await measureCommitted(query, owners);
  console.error(`${engine}: writes measured at ${elapsed(started)}`);
  return { engine, total: owners.total, sizes, reads, writes, committed };
}

function elapsed(started: number): string {
  return `${((performance.now() - started) / 1000).toFixed(1)} s`;
}

async function benchPostgres(): Promise<EngineResult> {
  const test = await openTestDatabase("postgresql");
  const client = new pg.Client({ connectionString: test.options.url });
  await client.connect();
  try {
    return await bench(
      "PostgreSQL",
      async (sql, params, name) => ({
        rows: (
          await (name === undefined ? client.query(sql, params) : client.query({ name, text: sql, values: params }))
        ).rows,
      }),
      true,
    );
  } finally {
    await client.end();
    await test.close();
  }
}

async function benchPglite(): Promise<EngineResult> {
  const test = await openTestDatabase("pglite", { inMemory: true });
  try {
    const connection = ormOf(test.database).driver.getConnection() as PgliteConnection;
    const pglite: PGlite = await connection.getNativeClient();
    return await bench(
      "PGlite (in memory)",
      async (sql, params) => ({
        rows: (await pglite.query<Record<string, unknown>>(sql, params)).rows,
      }),
      false,
    );
  } finally {
    await test.close();
  }
}

function print(result: EngineResult): void {
  const ms = (value: number) => value.toFixed(2);
  const times = (value: number) => `${value.toFixed(1)}x`;
  const printReads = (title: string, compared: (row: ReadRow) => Compared | undefined) => {
    const rows = result.reads.flatMap((row) => {
      const found = compared(row);
      return found === undefined ? [] : [{ row, found }];
    });
    if (rows.length === 0) return;
    console.log(
      `\n${result.engine}, ${result.total.toLocaleString("en")} tasks: ${title} (median of ${READ_ROUNDS * READS_PER_ROUND}, ms)\n`,
    );
    console.log("| list | owner | page | index | with | without | without / with | plan with | plan without |");
    console.log("| --- | --- | ---: | --- | ---: | ---: | ---: | --- | --- |");
    for (const { row, found } of rows)
      console.log(
        `| ${row.case.list} | ${row.case.owner} | ${row.case.page} of ${row.case.pageSize} | ${shortName(row.case.index)} | ${ms(found.with)} | ${ms(found.without)} | ${times(found.without / found.with)} | ${found.planWith} | ${found.planWithout} |`,
      );
  };
  printReads(
    "list pages with and without the index that serves them, planned for their parameters",
    (row) => row.custom,
  );
  printReads(
    "the same with the generic plans of named prepared statements, which the server's connections may settle on",
    (row) => row.generic,
  );
  const all = result.writes.find((row) => row.without === undefined);
  if (all === undefined) return;
  console.log(
    `\n${result.engine}: one insert and one status-changing UPDATE ... RETURNING of the 100,000-task owner, inside a transaction (median of ${WRITE_ROUNDS * WRITES_PER_ROUND}, ms)\n`,
  );
  console.log("| indexes | index size | insert | saved | update | saved |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  const percent = (value: number, base: number) => `${(((base - value) / base) * 100).toFixed(0)}%`;
  for (const row of result.writes)
    console.log(
      row.without === undefined
        ? `| all ${INDEXES.length} and the primary key | | ${ms(row.insert)} | | ${ms(row.update)} | |`
        : `| without ${shortName(row.without)} | ${((result.sizes.get(row.without) ?? 0) / 2 ** 20).toFixed(1)} MB | ${ms(row.insert)} | ${percent(row.insert, all.insert)} | ${ms(row.update)} | ${percent(row.update, all.update)} |`,
    );
  console.log(
    `\nThe same writes committed one by one, with every index (median of ${COMMITTED_WRITES}): insert ${ms(result.committed.insert)} ms, update ${ms(result.committed.update)} ms.`,
  );
}

const results: EngineResult[] = [];
const postgres = await findPostgresServer();
if (postgres.found) results.push(await benchPostgres());
else console.warn(`PostgreSQL left out: ${postgres.reason}`);
results.push(await benchPglite());
for (const result of results) print(result);
