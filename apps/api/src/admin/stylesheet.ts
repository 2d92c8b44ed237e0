import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";

/** Beside this file in `src/` and, copied by the build, in `dist/`. */
const STYLESHEET_FILE = new URL("./static/admin.css", import.meta.url);
// Browsers keep it a day; a changed stylesheet shows after that, or on a reload.
const CACHE_CONTROL = "public, max-age=86400";

/** The admin's one stylesheet (no script, no inline style: see headers.ts), read once at start. */
export function stylesheet(admin: FastifyInstance): void {
  const css = readFileSync(STYLESHEET_FILE, "utf8");
  admin.get("/static/admin.css", { config: { adminAccess: "anyone" } }, async (_request, reply) =>
    reply.type("text/css; charset=utf-8").header("cache-control", CACHE_CONTROL).send(css),
  );
}
