import { fileURLToPath } from "node:url";
import formbody from "@fastify/formbody";
import view from "@fastify/view";
import type { ResolveCaller } from "@tasks/domain";
import { Eta } from "eta";
import type { FastifyInstance } from "fastify";
import type { BrowserSessions } from "../http/browser-sessions.ts";
import type { BrowserCookies } from "../http/cookies.ts";
import type { CsrfCheck } from "../http/csrf.ts";
import { registerStaffGuard } from "./access.ts";
import type { AdminUseCases } from "./admin-use-cases.ts";
import { FormCsrfTokens, registerFormCsrfCheck } from "./csrf.ts";
import { registerErrorPages } from "./errors.ts";
import { setAdminHeaders } from "./headers.ts";
import { indexPage } from "./index-routes.ts";
import { loginPages } from "./login-routes.ts";
import { Messages } from "./messages.ts";
import { ownPasswordPages } from "./own-password-pages.ts";
import { AdminPages } from "./render.ts";
import { stylesheet } from "./stylesheet.ts";
import { taskPages } from "./task-pages.ts";
import { userPages } from "./user-pages.ts";

export interface AdminSiteOptions {
  readonly resolveCaller: ResolveCaller;
  readonly useCases: AdminUseCases;
  readonly browserSessions: BrowserSessions;
  readonly cookies: BrowserCookies;
  /** The API's CSRF check, applied to every form the admin receives. */
  readonly csrfCheck: CsrfCheck;
  /** Templates are read once and kept in production, read again on every render otherwise (edit and reload). */
  readonly production: boolean;
  readonly bodyLimit: number;
}

/** Beside this file in `src/` and, copied by the build, in `dist/`. */
export const TEMPLATES_DIR = fileURLToPath(new URL("./templates/", import.meta.url));

/**
 * The web admin (CONTRACT 5), registered under /admin by app.ts: server-rendered pages
 * in Django's words, in their own encapsulated scope, so that what they need (HTML error
 * pages, form bodies, the templates, the staff guard) does not reach the JSON API.
 */
export async function adminSite(admin: FastifyInstance, options: AdminSiteOptions): Promise<void> {
  // The API's guard leaves admin pages to the admin's own (access.ts), which redirects to
  // its login page; and the API's OpenAPI document does not list them.
  admin.addHook("onRoute", (route) => {
    route.config = { ...route.config, public: true };
    route.schema = { ...route.schema, hide: true };
  });
  admin.addHook("onRequest", (_request, reply, done) => {
    setAdminHeaders(reply);
    done();
  });
  // Forms only: the API's JSON parser does not apply here, and form bodies are read only here.
  admin.removeAllContentTypeParsers();
  await admin.register(formbody);
  await admin.register(view, {
    engine: { eta: new Eta({ autoEscape: true }) },
    root: TEMPLATES_DIR,
    layout: "layout",
    production: options.production,
  });

  const pages = new AdminPages({
    messages: new Messages(options.cookies),
    csrfTokens: new FormCsrfTokens(options.cookies),
  });
  registerErrorPages(admin, pages, options.bodyLimit);
  registerStaffGuard(admin, options.resolveCaller);
  registerFormCsrfCheck(admin, options.csrfCheck);

  stylesheet(admin);
  loginPages(admin, { pages, browserSessions: options.browserSessions, resolveCaller: options.resolveCaller });
  indexPage(admin, { pages, useCases: options.useCases });
  taskPages(admin, { pages, useCases: options.useCases });
  userPages(admin, { pages, useCases: options.useCases });
  ownPasswordPages(admin, { pages, useCases: options.useCases });
}
