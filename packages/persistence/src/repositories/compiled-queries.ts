import { type Compilable, type CompiledQuery, createQueryId, type Kysely, type QueryResult } from "kysely";
import type { RecordsDatabase } from "../records/index.ts";

/** How many shapes are kept; past that a query is built each time, as if uncached. */
const MAX_SHAPES = 200;

/**
 * Sends a statement with its parameters straight to the database's pool, as Kysely's
 * PostgreSQL driver would, without its executor.
 */
export type PoolQuery = (sql: string, parameters: readonly unknown[]) => Promise<QueryResult<unknown>>;

/** A compiled statement and, for each of its parameters, which argument fills it (or the constant it keeps). */
interface Shape {
  readonly compiled: CompiledQuery;
  readonly slots: readonly ({ readonly argument: number } | { readonly constant: unknown })[];
}

/**
 * Hot statements built and compiled once per shape, then only given new arguments.
 * Building a query with Kysely costs more of the server's CPU than sending it on a warm
 * connection: a profile of `GET /api/tasks/<id>/` under load put about a sixth of the
 * process's busy time in Kysely's builders and compiler. The shape (`key`) must say
 * everything that changes the SQL (which filters, which ordering); the arguments are what
 * changes between calls with one shape. They are found by building the shape once with a
 * sentinel for each argument; any other parameter is a constant of the query and is kept.
 */
export class CompiledQueries {
  readonly #shapes = new Map<string, Shape>();
  readonly #poolQuery: PoolQuery | undefined;

  /**
   * `poolQuery`: on PostgreSQL, where a compiled statement outside a transaction goes.
   * Kysely's executor wraps each query in five asynchronous layers (executor, connection
   * provider, driver, connection, result plugins): a sampling allocation profile of the
   * task list under load put 12-15% of everything the server allocated there and in the
   * pool's checkout. In a transaction, a statement goes through Kysely, on the
   * transaction's connection.
   */
  constructor(poolQuery?: PoolQuery) {
    this.#poolQuery = poolQuery;
  }

  run<Output, Arguments extends readonly unknown[]>(
    db: Kysely<RecordsDatabase>,
    key: string,
    args: Arguments,
    build: (db: Kysely<RecordsDatabase>, args: Arguments) => Compilable<Output>,
  ): Promise<QueryResult<Output>> {
    const shape = this.#shapes.get(key) ?? this.#compile(db, key, args.length, build);
    if (shape === null) return db.executeQuery(build(db, args).compile());
    const parameters = shape.slots.map((slot) => ("argument" in slot ? args[slot.argument] : slot.constant));
    if (this.#poolQuery !== undefined && !db.isTransaction)
      return this.#poolQuery(shape.compiled.sql, parameters) as Promise<QueryResult<Output>>;
    return db.executeQuery<Output>({
      ...(shape.compiled as CompiledQuery<Output>),
      parameters,
      queryId: createQueryId(),
    });
  }

  #compile<Output, Arguments extends readonly unknown[]>(
    db: Kysely<RecordsDatabase>,
    key: string,
    arity: number,
    build: (db: Kysely<RecordsDatabase>, args: Arguments) => Compilable<Output>,
  ): Shape | null {
    if (this.#shapes.size >= MAX_SHAPES) return null;
    const sentinels = Array.from({ length: arity }, (_, index) => `\u0000compiled-query-argument-${index}`);
    const compiled = build(db, sentinels as unknown as Arguments).compile();
    const slots = compiled.parameters.map((parameter) => {
      const argument = sentinels.indexOf(parameter as string);
      return argument === -1 ? { constant: parameter } : { argument };
    });
    const used = new Set(slots.flatMap((slot) => ("argument" in slot ? [slot.argument] : [])));
    // An argument the SQL never received was transformed or left out: the shape cannot be reused.
    if (used.size !== arity)
      throw new Error(`compiled query "${key}" does not take each of its ${arity} arguments as a parameter`);
    const shape = { compiled, slots };
    this.#shapes.set(key, shape);
    return shape;
  }
}
