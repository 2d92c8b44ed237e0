import type { User } from "@tasks/domain";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FormCsrfTokens } from "./csrf.ts";
import type { MessageLevel, Messages } from "./messages.ts";
import { INDEX_PATH, LOGOUT_PATH, PASSWORD_CHANGE_PATH, STYLESHEET_PATH } from "./paths.ts";

/** Django's site header, on every page. */
export const SITE_HEADER = "Tasks administration";

/** One step of the breadcrumbs after "Home"; the last one, the page itself, has no link. */
export interface Breadcrumb {
  readonly label: string;
  readonly href?: string;
}

/**
 * What a page gives its template, besides what the layout adds (see `LayoutContext`):
 * its title (the `<title>` and, unless the template says otherwise, its heading) and its
 * breadcrumbs (none on the index and the login page).
 */
export interface Page {
  readonly title: string;
  readonly breadcrumbs?: readonly Breadcrumb[];
  /** `false` hides "Welcome, <username>" and its links (the login and logged-out pages). */
  readonly userTools?: boolean;
  readonly [name: string]: unknown;
}

/** The signed-in staff user as pages show them. */
export interface AdminUserView {
  readonly id: string;
  readonly username: string;
  readonly isSuperuser: boolean;
  /** Their own password page (with the old password), for the "Change password" link. */
  readonly passwordChangeUrl: string;
}

/** What the layout (templates/layout.eta) reads, on top of the page's own data. */
export interface LayoutContext {
  readonly siteHeader: string;
  readonly title: string;
  readonly breadcrumbs: readonly Breadcrumb[] | null;
  readonly user: AdminUserView | null;
  readonly messages: readonly { readonly level: MessageLevel; readonly text: string }[];
  /** The CSRF token for a form's hidden `csrfmiddlewaretoken`; sets the cookie when the browser has none. */
  readonly csrfToken: () => string;
  readonly paths: { readonly index: string; readonly logout: string; readonly stylesheet: string };
}

/** The signed-in staff user of an admin page, or `null` when the request carries none (yet). */
export function signedInStaff(request: FastifyRequest): User | null {
  return request.credential === "cookie" && request.user.isStaff ? request.user : null;
}

/**
 * Renders the admin's pages: a template of templates/ inside the layout, as HTML, with the
 * messages waiting for this browser, the CSRF token for its forms and the signed-in user.
 * One per site, given to every module of pages.
 */
export class AdminPages {
  private readonly messages: Messages;
  private readonly csrfTokens: FormCsrfTokens;

  constructor(deps: { messages: Messages; csrfTokens: FormCsrfTokens }) {
    this.messages = deps.messages;
    this.csrfTokens = deps.csrfTokens;
  }

  /** Renders `template` (a file of templates/, without `.eta`) with `page`, inside the layout. */
  async render(
    request: FastifyRequest,
    reply: FastifyReply,
    template: string,
    page: Page,
    status = 200,
  ): Promise<FastifyReply> {
    const staff = page.userTools === false ? null : signedInStaff(request);
    const layout: LayoutContext = {
      siteHeader: SITE_HEADER,
      title: page.title,
      breadcrumbs: page.breadcrumbs ?? null,
      user: staff && {
        id: staff.id,
        username: staff.username,
        isSuperuser: staff.isSuperuser,
        passwordChangeUrl: PASSWORD_CHANGE_PATH,
      },
      messages: this.messages.take(request, reply),
      csrfToken: () => this.csrfTokens.tokenFor(request, reply),
      paths: { index: INDEX_PATH, logout: LOGOUT_PATH, stylesheet: STYLESHEET_PATH },
    };
    const html = await reply.viewAsync(template, { ...page, ...layout });
    return reply.code(status).type("text/html; charset=utf-8").send(html);
  }

  /** Sends the browser to the index with a warning: Django's answer to a change page whose object is gone. */
  goneToIndex(request: FastifyRequest, reply: FastifyReply, text: string): FastifyReply {
    this.flash(request, reply, "warning", text);
    return reply.redirect(INDEX_PATH, 302);
  }

  /** Adds a message for the next page this browser is shown (Django's `messages.success(...)`). */
  flash(request: FastifyRequest, reply: FastifyReply, level: MessageLevel, text: string): void {
    this.messages.add(request, reply, level, text);
  }
}
