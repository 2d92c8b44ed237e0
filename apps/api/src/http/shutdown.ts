import type { Server as HttpServer } from "node:http";
import { Server as NetServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Whether the server is shutting down: from SIGTERM/SIGINT (or `app.close()`) on, readiness
 * answers 503 and every response carries `Connection: close`, so that load balancers stop
 * sending and keep-alive clients open their next connection elsewhere.
 */
export class Shutdown {
  private begun = false;

  get started(): boolean {
    return this.begun;
  }

  begin(): void {
    this.begun = true;
  }
}

/**
 * Stops accepting connections and resolves once every open one has ended. Those with a
 * request in flight end after their answer (which says `Connection: close`); the others
 * get `idleGraceMs` to send one, since a client may have opened its connection just
 * before and have its request on the way, and are then closed. Node's `server.close()`
 * would close them at once, resetting such a request as it arrives; so the listener is
 * closed by `net.Server`'s own `close`, which leaves open connections alone.
 */
export async function stopAccepting(server: HttpServer, idleGraceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
  await Promise.race([closed, sleep(idleGraceMs)]);
  server.closeIdleConnections();
  await closed;
}
