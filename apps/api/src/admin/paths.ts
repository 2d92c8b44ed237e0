/** Where the web admin is served, and its pages every other page links to. */
export const ADMIN_PREFIX = "/admin";
export const INDEX_PATH = "/admin/";
export const LOGIN_PATH = "/admin/login/";
export const LOGOUT_PATH = "/admin/logout/";
export const STYLESHEET_PATH = "/admin/static/admin.css";
/** The change lists, at Django's addresses (app label, then model name). */
export const USERS_PATH = "/admin/auth/user/";
export const TASKS_PATH = "/admin/tasks/task/";
/** The signed-in staff member's own password page. */
export const PASSWORD_CHANGE_PATH = "/admin/password_change/";

// Resolves `next` as a browser would against this site, to see where it really points.
const THIS_SITE = "http://admin.invalid";

/** The login page, asked to come back to `path` (a page's URL, its query included) afterwards. */
export function loginUrl(path: string): string {
  return `${LOGIN_PATH}?next=${encodeURIComponent(path)}`;
}

/**
 * Where to go after logging in: `next` when it is a page of the admin on this site, else
 * the index, so that the login page cannot be used to send someone elsewhere (an open
 * redirect). `next` is resolved as a browser would (`//host`, backslashes, `..`) first.
 */
export function safeNext(next: unknown): string {
  if (typeof next !== "string" || !next.startsWith("/") || !URL.canParse(next, THIS_SITE)) return INDEX_PATH;
  const url = new URL(next, THIS_SITE);
  if (url.origin !== THIS_SITE || !url.pathname.startsWith(INDEX_PATH)) return INDEX_PATH;
  return url.pathname + url.search;
}
