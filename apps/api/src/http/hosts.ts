import type { FastifyRequest } from "fastify";
import { InvalidHost } from "./problems.ts";

// Django's host_validation_re, on the lower-cased header: a DNS name or an IPv6 literal in
// brackets, then an optional port.
const HOST_HEADER = /^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::(\d{1,5}))?$/;
const MAX_PORT = 65_535;
// Host headers already found allowed, as sent, so that the usual request costs one Set
// lookup; bounded, since `*` or a domain pattern lets clients name hosts without end.
const MAX_REMEMBERED = 1024;

const MALFORMED = "The Host header is missing, malformed or sent more than once.";
const NOT_SERVED = "This server does not serve the host named in the Host header.";

/**
 * Django's ALLOWED_HOSTS check, built once from the configured patterns (lower case: an
 * exact host, `.example.com` for a domain and its subdomains, `*` for any): the answer for
 * a request is `undefined` when its one Host header is well formed and names an allowed
 * host (the port does not count), else the error to answer with.
 */
export function hostCheck(allowedHosts: readonly string[]): (request: FastifyRequest) => InvalidHost | undefined {
  const anyHost = allowedHosts.includes("*");
  const exact = new Set(allowedHosts.filter((pattern) => !pattern.startsWith(".")));
  const domains = allowedHosts.filter((pattern) => pattern.startsWith("."));
  const isAllowed = (name: string) =>
    anyHost || exact.has(name) || domains.some((domain) => name.endsWith(domain) || name === domain.slice(1));

  const remembered = new Set<string>();

  return (request) => {
    const header = request.headers.host;
    if (header === undefined || hostHeaderLines(request.raw.rawHeaders) !== 1) return new InvalidHost(MALFORMED);
    if (remembered.has(header)) return undefined;
    const match = HOST_HEADER.exec(header.toLowerCase());
    const name = match?.[1];
    if (name === undefined || Number(match?.[2] ?? 0) > MAX_PORT) return new InvalidHost(MALFORMED);
    // A fully qualified name's trailing dot names the same host, as Django takes it.
    if (!isAllowed(name.endsWith(".") ? name.slice(0, -1) : name)) return new InvalidHost(NOT_SERVED);
    if (remembered.size < MAX_REMEMBERED) remembered.add(header);
    return undefined;
  };
}

/** Node keeps the first of several Host lines: RFC 9112 section 3.2 asks for a 400 instead. */
function hostHeaderLines(rawHeaders: readonly string[]): number {
  let count = 0;
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index] as string;
    if (name.length === 4 && name.toLowerCase() === "host") count += 1;
  }
  return count;
}

/**
 * The request's scheme for links and cookies: `https` when it came over TLS or, behind a
 * trusted proxy, when X-Forwarded-Proto says so; anything else a header says is `http`,
 * so that no forwarded value can put another scheme or host into a link.
 */
export function schemeOf(request: FastifyRequest): "http" | "https" {
  return request.protocol.toLowerCase() === "https" ? "https" : "http";
}

/**
 * Where absolute links point: PUBLIC_URL (with any path prefix) when it is set, else the
 * request's scheme and the Host header the Host check allowed, never X-Forwarded-Host
 * (Fastify's request.host behind a trusted proxy), which no check has seen.
 */
export function baseUrl(request: FastifyRequest, publicUrl: string | undefined): string {
  return publicUrl ?? `${schemeOf(request)}://${request.headers.host}`;
}
