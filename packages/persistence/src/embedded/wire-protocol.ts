/**
 * As much of PostgreSQL's wire protocol (version 3) as the embedded database's socket
 * needs: cutting what a client sends into whole packets, reading PGlite's answers, and
 * the few messages the socket writes or runs itself.
 */

const SSL_REQUEST = 80_877_103;
const GSSENC_REQUEST = 80_877_104;
const CANCEL_REQUEST = 80_877_102;
const PROTOCOL_MAJOR_VERSION = 3;
// PostgreSQL's own limits: MAX_STARTUP_PACKET_LENGTH, and PQ_LARGE_MESSAGE_LIMIT for any message.
const MAX_STARTUP_PACKET_LENGTH = 10_000;
const MAX_MESSAGE_LENGTH = 0x3fff_ffff;

export const messageType = (letter: string): number => letter.charCodeAt(0);

/** What a client sends: the untyped packets of the start-up phase, then typed messages. */
export type FrontendPacket =
  /** SSLRequest or GSSENCRequest: the client asks whether to encrypt. */
  | { readonly kind: "encryption-request" }
  | { readonly kind: "cancel-request" }
  /** StartupMessage, or a typed message; `bytes` is the whole packet, as PGlite takes it. */
  | { readonly kind: "message"; readonly type: number; readonly bytes: Uint8Array };

/** The client broke the protocol; the connection cannot go on. */
export class ProtocolViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProtocolViolation";
  }
}

/** The type byte given to the StartupMessage, which has none on the wire (PGlite recognises it by its zero first byte). */
export const STARTUP = 0;

/** Cuts the byte stream from one client into whole packets, in order. */
export class FrontendReader {
  #pending: Buffer = Buffer.alloc(0);
  #started = false;

  push(chunk: Buffer): void {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
  }

  /** The next whole packet, or `null` until more bytes arrive. Throws `ProtocolViolation`. */
  next(): FrontendPacket | null {
    return this.#started ? this.#typed() : this.#untyped();
  }

  #untyped(): FrontendPacket | null {
    if (this.#pending.length < 8) return null;
    const length = this.#pending.readInt32BE(0);
    if (length < 8 || length > MAX_STARTUP_PACKET_LENGTH)
      throw new ProtocolViolation(`invalid length of start-up packet: ${length}`);
    if (this.#pending.length < length) return null;
    const bytes = this.#take(length);
    const code = bytes.readInt32BE(4);
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) return { kind: "encryption-request" };
    if (code === CANCEL_REQUEST) return { kind: "cancel-request" };
    if (code >>> 16 !== PROTOCOL_MAJOR_VERSION)
      throw new ProtocolViolation(`unsupported frontend protocol ${code >>> 16}.${code & 0xffff}`);
    this.#started = true;
    return { kind: "message", type: STARTUP, bytes };
  }

  #typed(): FrontendPacket | null {
    if (this.#pending.length < 5) return null;
    const type = this.#pending[0] as number;
    const length = this.#pending.readInt32BE(1);
    if (type === STARTUP || length < 4 || length > MAX_MESSAGE_LENGTH)
      throw new ProtocolViolation(`invalid message: type ${type}, length ${length}`);
    if (this.#pending.length < 1 + length) return null;
    return { kind: "message", type, bytes: this.#take(1 + length) };
  }

  #take(length: number): Buffer {
    const bytes = this.#pending.subarray(0, length);
    this.#pending = this.#pending.subarray(length);
    return bytes;
  }
}

/** The transaction status a ReadyForQuery reports: idle, in a transaction block, in a failed one. */
export type TransactionStatus = "I" | "T" | "E";

const READY_FOR_QUERY = messageType("Z");

/**
 * PGlite's answer to one message, as the client gets it, and the status of the
 * ReadyForQuery that ends it, if one does. With `dropReadyForQuery`, ReadyForQuery
 * messages are left out: PGlite sends one after an error in the middle of an
 * extended-query cycle, where PostgreSQL sends it only at the Sync, and a driver that
 * took it for the end of its query would take the Sync's for the end of its next one.
 */
export function readAnswer(
  answer: Uint8Array,
  dropReadyForQuery: boolean,
): { bytes: Uint8Array; ready: TransactionStatus | null } {
  const kept: Uint8Array[] = [];
  let ready: TransactionStatus | null = null;
  const view = Buffer.from(answer.buffer, answer.byteOffset, answer.byteLength);
  for (let offset = 0; offset < view.length; ) {
    const end = offset + 1 + view.readInt32BE(offset + 1);
    if (view[offset] !== READY_FOR_QUERY) kept.push(view.subarray(offset, end));
    else if (!dropReadyForQuery) {
      kept.push(view.subarray(offset, end));
      ready = String.fromCharCode(view[offset + 5] as number) as TransactionStatus;
    }
    offset = end;
  }
  return { bytes: kept.length === 1 ? (kept[0] as Uint8Array) : Buffer.concat(kept), ready };
}

function typed(type: string, ...fields: Buffer[]): Buffer {
  const body = Buffer.concat(fields);
  const header = Buffer.alloc(5);
  header.write(type, 0, "latin1");
  header.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([header, body]);
}

const cString = (text: string): Buffer => Buffer.from(`${text}\0`, "utf8");

/** A FATAL ErrorResponse, after which the server closes the connection. */
export function fatalError(sqlState: string, message: string): Buffer {
  return typed(
    "E",
    cString("SFATAL"),
    cString("VFATAL"),
    cString(`C${sqlState}`),
    cString(`M${message}`),
    Buffer.from([0]),
  );
}

/**
 * Ends an extended-query cycle that its client left open, undoing it: ROLLBACK through the
 * unnamed statement and portal, then Sync. Outside a transaction block the cycle's
 * statements run in an implicit transaction, which Sync alone would commit; PostgreSQL
 * rolls it back when its client goes away, and ROLLBACK inside it does that (with a
 * warning). Inside a block it ends the block. After an error in the cycle everything up to
 * the Sync is skipped, and the Sync ends the failed implicit transaction.
 */
export const ROLL_BACK_CYCLE: Buffer = Buffer.concat([
  typed("P", cString(""), cString("ROLLBACK"), Buffer.alloc(2)),
  typed("B", cString(""), cString(""), Buffer.alloc(6)),
  typed("E", cString(""), Buffer.alloc(4)),
  typed("S"),
]);

/** ROLLBACK as a simple query: ends a transaction block, failed or not. */
export const ROLL_BACK: Buffer = typed("Q", cString("ROLLBACK"));
