/**
 * Runs `work` atomically: every repository write made inside it commits together or not
 * at all. Repositories used inside `work` take part in the transaction.
 */
export interface UnitOfWork {
  transaction<T>(work: () => Promise<T>): Promise<T>;
}
