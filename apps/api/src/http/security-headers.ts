/**
 * The security headers every answer carries: no sniffing, no framing, no referrer, a
 * content security policy that lets a JSON answer load nothing, and HSTS in production.
 * Constants, set once per request: @fastify/helmet would rebuild helmet's middleware
 * from its options on every request, which measurably cost throughput (see bench/).
 * The docs page replaces the policy with its own (see routes/docs.routes.ts).
 */
export function securityHeaders(production: boolean): Readonly<Record<string, string>> {
  return {
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-resource-policy": "same-origin",
    ...(production ? { "strict-transport-security": "max-age=31536000; includeSubDomains" } : {}),
  };
}
