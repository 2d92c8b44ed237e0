import type { FastifyReply } from "fastify";

/**
 * The admin's content security policy: its own stylesheet and images, forms posted only
 * to itself, and nothing else: no script at all, no inline style, no framing.
 */
export const ADMIN_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * What every admin answer carries on top of the API's security headers (set before any
 * route runs): the admin's policy in place of the API's; `no-store`, since its pages show
 * users' data to one signed-in user (the stylesheet replaces it); and Django's referrer
 * policy, `same-origin`, in place of the API's `no-referrer`, under which a browser posts a
 * form with `Origin: null`, which the CSRF check rightly refuses.
 */
export function setAdminHeaders(reply: FastifyReply): void {
  reply
    .header("content-security-policy", ADMIN_CSP)
    .header("cache-control", "no-store")
    .header("referrer-policy", "same-origin");
}
