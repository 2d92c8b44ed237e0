import { type HistoryEntry, staffMember } from "@tasks/domain";
import type { FastifyInstance } from "fastify";
import type { AdminUseCases } from "./admin-use-cases.ts";
import { TASKS_PATH, USERS_PATH } from "./paths.ts";
import type { AdminPages } from "./render.ts";
import { taskUrl } from "./task-pages.ts";
import { userUrl } from "./user-pages.ts";

/** A model the index lists, with its change list and add page. */
export interface AdminModel {
  readonly name: string;
  readonly changeUrl: string;
  readonly addUrl: string;
}

/** The admin's apps and their models, as Django's index groups them. */
export const ADMIN_APPS: readonly { readonly name: string; readonly models: readonly AdminModel[] }[] = [
  {
    name: "Authentication and authorization",
    models: [{ name: "Users", changeUrl: USERS_PATH, addUrl: `${USERS_PATH}add/` }],
  },
  {
    name: "Tasks",
    models: [{ name: "Tasks", changeUrl: TASKS_PATH, addUrl: `${TASKS_PATH}add/` }],
  },
];

/** One line of "Recent actions": what was done to which object, linked unless it was deleted. */
function recentAction(entry: HistoryEntry) {
  const url = entry.objectType === "task" ? taskUrl(entry.objectId) : userUrl(entry.objectId);
  return {
    repr: entry.objectRepr,
    kind: entry.objectType === "task" ? "Task" : "User",
    action: entry.action,
    href: entry.action === "deletion" ? null : url,
  };
}

/** The index, "Site administration": every model with its links, and the signed-in staff member's recent actions. */
export function indexPage(
  admin: FastifyInstance,
  deps: { readonly pages: AdminPages; readonly useCases: Pick<AdminUseCases, "recentActions"> },
): void {
  admin.get("/", async (request, reply) => {
    const recent = await deps.useCases.recentActions.execute({ staff: staffMember(request.user) });
    return deps.pages.render(request, reply, "index", {
      title: "Site administration",
      apps: ADMIN_APPS,
      recentActions: recent.map(recentAction),
    });
  });
}
