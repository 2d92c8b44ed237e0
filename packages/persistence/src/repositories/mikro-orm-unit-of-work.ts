import type { SqlEntityManager } from "@mikro-orm/postgresql";
import type { UnitOfWork } from "@tasks/domain";
import { translateErrors } from "../errors.ts";

/**
 * A database transaction on a fork of MikroORM's EntityManager (or, nested, on the
 * transaction already open): the repositories' queries inside `work` run on its
 * connection, since their Kysely resolves to the current transaction.
 */
export class MikroOrmUnitOfWork implements UnitOfWork {
  readonly #em: SqlEntityManager;

  constructor(em: SqlEntityManager) {
    this.#em = em;
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    return translateErrors(() => this.#em.transactional(() => work()));
  }
}
