import type { FastifyInstance } from "fastify";
import { INDEX_PATH } from "./paths.ts";
import type { AdminPages } from "./render.ts";

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
    models: [{ name: "Users", changeUrl: `${INDEX_PATH}auth/user/`, addUrl: `${INDEX_PATH}auth/user/add/` }],
  },
  {
    name: "Tasks",
    models: [{ name: "Tasks", changeUrl: `${INDEX_PATH}tasks/task/`, addUrl: `${INDEX_PATH}tasks/task/add/` }],
  },
];

/** The index, "Site administration": every model with its links. */
export function indexPage(admin: FastifyInstance, deps: { readonly pages: AdminPages }): void {
  admin.get("/", async (request, reply) =>
    deps.pages.render(request, reply, "index", { title: "Site administration", apps: ADMIN_APPS }),
  );
}
