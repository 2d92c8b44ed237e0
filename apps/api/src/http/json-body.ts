import type { FastifyInstance } from "fastify";
import { InvalidUtf8Body } from "./problems.ts";

// fatal: a byte sequence that is not UTF-8 throws, where Buffer#toString would put U+FFFD
// in its place and the request would go on with text the client never sent.
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Fastify's own JSON parser (prototype poisoning refused, an empty body refused), given
 * the body only once it is known to be UTF-8, as RFC 8259 requires of JSON: invalid bytes
 * are a 400, as Django REST Framework answers them, not text silently changed.
 */
export function registerJsonParser(app: FastifyInstance, bodyLimit: number): void {
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "buffer", bodyLimit }, (request, body, done) => {
    let text: string;
    try {
      text = UTF8.decode(body as Buffer);
    } catch {
      done(new InvalidUtf8Body(), undefined);
      return;
    }
    parseJson(request, text, done);
  });
}
