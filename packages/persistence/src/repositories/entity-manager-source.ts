import type { SqlEntityManager } from "@mikro-orm/postgresql";

/**
 * The EntityManager a repository call runs on: the current transaction's or request's
 * fork (MikroORM's context), else a fork of its own for this one call.
 */
export type EntityManagerSource = () => SqlEntityManager;
