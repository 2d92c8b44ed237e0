import { rmSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { join } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { SOCKET_PORT } from "../orm.ts";
import {
  FrontendReader,
  fatalError,
  messageType,
  ProtocolViolation,
  ROLL_BACK,
  ROLL_BACK_CYCLE,
  readAnswer,
  type TransactionStatus,
} from "./wire-protocol.ts";

/**
 * Guests the socket serves at once (taskctl and other local programs); one more is refused
 * as PostgreSQL refuses a client past max_connections. A taskctl command needs one.
 */
export const MAX_GUESTS = 8;

/** The socket's path in `socketDir`, as PostgreSQL clients name it for `host=<socketDir>`. */
export function socketPath(socketDir: string): string {
  return join(socketDir, `.s.PGSQL.${SOCKET_PORT}`);
}

/**
 * Serves an embedded database to other local processes (guests) over a unix socket named
 * as PostgreSQL clients expect it (`<dir>/.s.PGSQL.5432`, so `host=<dir>` reaches it).
 *
 * PGlite is one PostgreSQL session, and its owner uses it in process too. A guest takes
 * the whole session from its first message until PGlite answers ReadyForQuery idle with
 * no extended-query cycle open: while it holds it, nobody else's message runs, so no two
 * connections ever share a half-finished cycle or a transaction. It holds it through
 * PGlite's transaction mutex, the one the owner's `query()` and `transaction()` wait for.
 * A guest that leaves or falls silent for `idleTimeoutMs` while it holds the session has
 * what it left unfinished rolled back, and the session goes on to the next.
 *
 * Returns the function that stops serving: it disconnects every guest, rolling back what
 * they hold.
 */
export async function serveOverSocket(
  pglite: PGlite,
  socketDir: string,
  idleTimeoutMs: number,
): Promise<() => Promise<void>> {
  const path = socketPath(socketDir);
  // Whoever holds the DATA_DIR lock owns the socket path: a file left there is from a crashed owner.
  rmSync(path, { force: true });
  const guests = new Set<Guest>();
  const server = createServer((socket) => {
    if (guests.size >= MAX_GUESTS) {
      socket.on("error", () => {});
      socket.end(fatalError("53300", "sorry, too many clients already"), () => socket.destroy());
      return;
    }
    const guest = new Guest(socket, pglite, idleTimeoutMs);
    guests.add(guest);
    void guest.finished.then(() => guests.delete(guest));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return async () => {
    const closed = new Promise((resolve) => server.close(resolve));
    // Closed without a word: a client that is ending its connection (a pool being closed
    // before its server) takes a close for the answer to its Terminate, an error for an error.
    for (const guest of guests) guest.stop();
    await Promise.all([...guests].map((guest) => guest.finished));
    await closed;
    rmSync(path, { force: true });
  };
}

// Messages of the extended-query protocol: each opens or continues a cycle that only Sync ends.
const EXTENDED_QUERY = new Set(["P", "B", "D", "E", "C", "H"].map(messageType));
const SYNC = messageType("S");
const TERMINATE = messageType("X");

/** One guest connection: its packets in order, and the session while it holds it. */
class Guest {
  /** Settles once the connection is closed and the session is no longer held for it. */
  readonly finished: Promise<void>;
  readonly #socket: Socket;
  readonly #pglite: PGlite;
  readonly #idleTimeoutMs: number;
  readonly #reader = new FrontendReader();
  /** Whole messages received and not yet run. */
  readonly #messages: Uint8Array[] = [];
  /** Whether more messages may come; once false, what is queued still runs unless stopped. */
  #receiving = true;
  #stopped = false;
  #wake: (() => void) | undefined;
  // Where this guest left the session after its last message.
  #cycleOpen = false;
  /** The status of the ReadyForQuery that ended PGlite's last answer; null if it did not end with one. */
  #ready: TransactionStatus | null = null;

  constructor(socket: Socket, pglite: PGlite, idleTimeoutMs: number) {
    this.#socket = socket;
    this.#pglite = pglite;
    this.#idleTimeoutMs = idleTimeoutMs;
    socket.on("data", (chunk: Buffer) => this.#receive(chunk));
    socket.on("close", () => this.#endOfInput());
    // A guest that vanishes resets its connection; "close" follows.
    socket.on("error", () => {});
    this.finished = this.#serve().catch(() => {
      socket.destroy();
    });
  }

  /** Ends the connection, after `farewell` if given, and drops what it has not run yet, rolling back what it holds. */
  stop(farewell?: Uint8Array): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#messages.length = 0;
    this.#endOfInput();
    const destroy = () => this.#socket.destroy();
    if (farewell === undefined) this.#socket.end(destroy);
    else this.#socket.end(farewell, destroy);
  }

  #receive(chunk: Buffer): void {
    if (!this.#receiving) return;
    this.#reader.push(chunk);
    try {
      for (let packet = this.#reader.next(); packet !== null; packet = this.#reader.next()) {
        if (packet.kind === "encryption-request") this.#socket.write("N");
        // PGlite has no backend to signal: the request is dropped, and its connection closed as PostgreSQL does.
        else if (packet.kind === "cancel-request") this.#endOfInput();
        else if (packet.type === TERMINATE) this.#endOfInput();
        else this.#messages.push(packet.bytes);
        if (!this.#receiving) break;
      }
    } catch (error) {
      if (!(error instanceof ProtocolViolation)) throw error;
      this.stop(fatalError("08P01", error.message));
    }
    this.#wake?.();
  }

  #endOfInput(): void {
    this.#receiving = false;
    this.#wake?.();
  }

  async #serve(): Promise<void> {
    try {
      for (let first = await this.#next(); first !== null; first = await this.#next()) {
        const message = first;
        await this.#pglite._runExclusiveTransaction(() => this.#hold(message));
      }
    } finally {
      if (!this.#socket.destroyed && !this.#socket.writableEnded) this.#socket.end(() => this.#socket.destroy());
    }
  }

  /** Runs this guest's messages, from `first`, for as long as it holds the session. */
  async #hold(first: Uint8Array): Promise<void> {
    // Stopped while it waited for the session: it ran nothing, so it holds nothing.
    if (this.#stopped) return;
    for (let message: Uint8Array | null = first; message !== null; message = await this.#next(this.#idleTimeoutMs)) {
      await this.#run(message);
      if (!this.#cycleOpen && this.#ready === "I") return;
    }
    await this.#abandon();
  }

  async #run(message: Uint8Array): Promise<void> {
    const type = message[0] as number;
    const extended = EXTENDED_QUERY.has(type);
    if (extended) this.#cycleOpen = true;
    else if (type === SYNC) this.#cycleOpen = false;
    const answer = readAnswer(await this.#execute(message), extended);
    this.#ready = answer.ready;
    if (answer.bytes.length > 0 && !this.#socket.destroyed) this.#socket.write(answer.bytes);
  }

  /**
   * Rolls back what the guest left unfinished, as PostgreSQL does for a client that goes
   * away: an open cycle, then an open transaction block.
   */
  async #abandon(): Promise<void> {
    if (this.#cycleOpen) await this.#execute(ROLL_BACK_CYCLE);
    if (this.#pglite.isInTransaction()) await this.#execute(ROLL_BACK);
    this.#cycleOpen = false;
  }

  #execute(message: Uint8Array): Promise<Uint8Array> {
    return this.#pglite.runExclusive(() => this.#pglite.execProtocolRaw(message));
  }

  /**
   * The next message to run; `null` once the guest has left and everything it sent has
   * run, or once it was stopped. With `idleTimeoutMs` (while it holds the session), a guest
   * that sends nothing for that long is cut off.
   */
  async #next(idleTimeoutMs?: number): Promise<Uint8Array | null> {
    for (;;) {
      const message = this.#messages.shift();
      if (message !== undefined) return message;
      if (!this.#receiving) return null;
      let timer: NodeJS.Timeout | undefined;
      const woken = await new Promise<boolean>((resolve) => {
        this.#wake = () => resolve(true);
        if (idleTimeoutMs !== undefined) timer = setTimeout(() => resolve(false), idleTimeoutMs);
      });
      clearTimeout(timer);
      this.#wake = undefined;
      if (!woken) {
        this.stop(
          fatalError(
            "25P03",
            `terminating connection: it held the embedded database for ${idleTimeoutMs} ms without sending anything`,
          ),
        );
        return null;
      }
    }
  }
}
