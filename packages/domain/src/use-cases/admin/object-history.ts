import type { HistoryEntry, HistoryObjectType } from "../../entities/history-entry.ts";
import { unstorableTextProblem } from "../../entities/text.ts";
import type { HistoryRepository } from "../../ports/history-repository.ts";

type Deps = { history: HistoryRepository };

/** An object's history page: every admin change to it, oldest first. The object itself may be gone. */
export class ObjectHistory {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  execute(input: { objectType: HistoryObjectType; objectId: string }): Promise<HistoryEntry[]> {
    // No entry can be about an id that storage cannot hold (PostgreSQL refuses a NUL even in a query).
    if (unstorableTextProblem(input.objectId) !== null) return Promise.resolve([]);
    return this.deps.history.listForObject(input.objectType, input.objectId);
  }
}
