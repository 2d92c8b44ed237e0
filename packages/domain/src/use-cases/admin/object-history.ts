import type { HistoryEntry, HistoryObjectType } from "../../entities/history-entry.ts";
import type { HistoryRepository } from "../../ports/history-repository.ts";

type Deps = { history: HistoryRepository };

/** An object's history page: every admin change to it, oldest first. The object itself may be gone. */
export class ObjectHistory {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  execute(input: { objectType: HistoryObjectType; objectId: string }): Promise<HistoryEntry[]> {
    return this.deps.history.listForObject(input.objectType, input.objectId);
  }
}
