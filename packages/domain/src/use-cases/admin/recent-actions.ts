import type { HistoryEntry } from "../../entities/history-entry.ts";
import type { StaffMember } from "../../entities/staff.ts";
import type { HistoryRepository } from "../../ports/history-repository.ts";

/** How many of their own changes the admin index shows, as Django's does. */
export const RECENT_ACTIONS_LIMIT = 10;

type Deps = { history: HistoryRepository };

/** The admin index's "Recent actions": the staff member's own last changes, newest first. */
export class RecentActions {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  execute(input: { staff: StaffMember }): Promise<HistoryEntry[]> {
    return this.deps.history.recentByUser(input.staff.userId, RECENT_ACTIONS_LIMIT);
  }
}
