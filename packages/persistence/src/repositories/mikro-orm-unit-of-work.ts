import type { SqlEntityManager } from "@mikro-orm/postgresql";
import type { UnitOfWork } from "@tasks/domain";
import { toDomainError } from "../errors.ts";

/**
 * A database transaction on MikroORM's EntityManager: the repositories' queries inside
 * `work` run on its connection, since their Kysely resolves to the transaction's context.
 */
export class MikroOrmUnitOfWork implements UnitOfWork {
  readonly #em: () => SqlEntityManager;

  /** `em` gives the current request's or command's fork, else a fork of its own. */
  constructor(em: () => SqlEntityManager) {
    this.#em = em;
  }

  async transaction<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await this.#em().transactional(() => work());
    } catch (error) {
      throw toDomainError(error);
    }
  }
}
