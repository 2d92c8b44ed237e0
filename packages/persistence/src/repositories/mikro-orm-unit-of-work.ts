import type { UnitOfWork } from "@tasks/domain";
import { toDomainError } from "../errors.ts";
import type { EntityManagerSource } from "./entity-manager-source.ts";

/** A database transaction; repositories called inside `work` resolve to its EntityManager. */
export class MikroOrmUnitOfWork implements UnitOfWork {
  readonly #em: EntityManagerSource;

  constructor(em: EntityManagerSource) {
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
