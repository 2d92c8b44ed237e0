import { rmSync } from "node:fs";
import { join } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { SOCKET_PORT } from "../orm.ts";

/**
 * Serves an embedded database to other local processes over a unix socket, named as
 * PostgreSQL clients expect it (`<dir>/.s.PGSQL.5432`, so `host=<dir>` reaches it).
 *
 * PGlite is a single PostgreSQL session. The socket server queues every client's
 * messages and, while one client has a transaction open, runs only that client's
 * messages until it ends: clients get transactions that do not mix. That is why the
 * process that owns the database also reaches it through the socket when it serves it,
 * instead of using the PGlite instance directly beside the socket.
 */
/** The socket's path in `socketDir`, as PostgreSQL clients name it for `host=<socketDir>`. */
export function socketPath(socketDir: string): string {
  return join(socketDir, `.s.PGSQL.${SOCKET_PORT}`);
}

export async function serveOverSocket(
  pglite: PGlite,
  socketDir: string,
  maxConnections: number,
): Promise<() => Promise<void>> {
  const path = socketPath(socketDir);
  // Whoever holds the DATA_DIR lock owns the socket path: a file left there is from a crashed owner.
  rmSync(path, { force: true });
  const server = new PGLiteSocketServer({ db: pglite, path, maxConnections });
  await server.start();
  return async () => {
    await server.stop();
    // pglite-socket handles a client's disconnection on a later turn of the event loop
    // (setImmediate), and that handler asks PGlite whether the client left a transaction
    // open: let any such handler run before the owner closes PGlite under it.
    await new Promise((resolve) => setImmediate(resolve));
    rmSync(path, { force: true });
  };
}
