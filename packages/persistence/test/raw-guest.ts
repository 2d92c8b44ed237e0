import { connect, type Socket } from "node:net";
import { join } from "node:path";

/** A message from the server: its type byte as a letter, and its body. */
export interface BackendMessage {
  readonly type: string;
  readonly body: Buffer;
}

/** The socket through which the owner of DATA_DIR shares its embedded database. */
export function socketOf(dataDir: string): string {
  return join(dataDir, ".s.PGSQL.5432");
}

function typed(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, "latin1");
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

function untyped(code: number, rest: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(8);
  header.writeInt32BE(8 + rest.length, 0);
  header.writeInt32BE(code, 4);
  return Buffer.concat([header, rest]);
}

const cString = (text: string) => Buffer.from(`${text}\0`, "utf8");

/** What a client sends, built by hand as the PostgreSQL documentation describes each message. */
export const frontend = {
  startup: () =>
    untyped(
      196_608,
      Buffer.concat([cString("user"), cString("postgres"), cString("database"), cString("postgres"), Buffer.from([0])]),
    ),
  sslRequest: () => untyped(80_877_103),
  gssencRequest: () => untyped(80_877_104),
  cancelRequest: () => untyped(80_877_102, Buffer.alloc(8)),
  query: (sql: string) => typed("Q", cString(sql)),
  /** The unnamed statement, no parameter types. */
  parse: (sql: string) => typed("P", Buffer.concat([cString(""), cString(sql), Buffer.alloc(2)])),
  /** The unnamed portal from the unnamed statement, no parameters, text results. */
  bind: () => typed("B", Buffer.concat([cString(""), cString(""), Buffer.alloc(6)])),
  execute: () => typed("E", Buffer.concat([cString(""), Buffer.alloc(4)])),
  sync: () => typed("S", Buffer.alloc(0)),
  terminate: () => typed("X", Buffer.alloc(0)),
};

/**
 * A client of the embedded database's socket that speaks the wire protocol by hand, to do
 * what drivers never do: stop half-way through a cycle, or say nothing while it holds the
 * session.
 */
export class RawGuest {
  readonly socket: Socket;
  /** Resolves once the server has closed the connection (or the connection failed). */
  readonly closed: Promise<void>;
  #received = Buffer.alloc(0);
  #waiters: Array<() => void> = [];
  #ended = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on("data", (chunk: Buffer) => {
      this.#received = Buffer.concat([this.#received, chunk]);
      this.#wake();
    });
    this.closed = new Promise((resolve) =>
      socket.on("close", () => {
        this.#ended = true;
        this.#wake();
        resolve();
      }),
    );
    socket.on("error", () => {});
  }

  /** Connected, without any packet sent yet. */
  static async open(dataDir: string): Promise<RawGuest> {
    const socket = connect(socketOf(dataDir));
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    return new RawGuest(socket);
  }

  /** Connected and started up: the server has said ReadyForQuery. */
  static async connect(dataDir: string): Promise<RawGuest> {
    const guest = await RawGuest.open(dataDir);
    guest.send(frontend.startup());
    await guest.untilReady();
    return guest;
  }

  send(...packets: Buffer[]): void {
    this.socket.write(Buffer.concat(packets));
  }

  /** The next `count` raw bytes (for the one-byte answers to SSLRequest and GSSENCRequest). */
  async bytes(count: number): Promise<Buffer> {
    while (this.#received.length < count) await this.#more();
    const bytes = this.#received.subarray(0, count);
    this.#received = this.#received.subarray(count);
    return bytes;
  }

  /** The next whole message; throws if the connection closes first. */
  async next(): Promise<BackendMessage> {
    for (;;) {
      if (this.#received.length >= 5) {
        const length = this.#received.readInt32BE(1);
        if (this.#received.length >= 1 + length) {
          const message = {
            type: String.fromCharCode(this.#received[0] ?? 0),
            body: this.#received.subarray(5, 1 + length),
          };
          this.#received = this.#received.subarray(1 + length);
          return message;
        }
      }
      await this.#more();
    }
  }

  /** Messages up to and including the next ReadyForQuery; returns them. */
  async untilReady(): Promise<BackendMessage[]> {
    const messages: BackendMessage[] = [];
    for (;;) {
      const message = await this.next();
      messages.push(message);
      if (message.type === "Z") return messages;
    }
  }

  /** A simple query, up to its ReadyForQuery; returns the transaction status and any error's SQLSTATE. */
  async query(sql: string): Promise<{ status: string; errors: string[] }> {
    this.send(frontend.query(sql));
    const messages = await this.untilReady();
    const ready = messages.at(-1) as BackendMessage;
    return {
      status: String.fromCharCode(ready.body[0] ?? 0),
      errors: messages.filter((m) => m.type === "E").map(sqlState),
    };
  }

  /** Every message until the server closes the connection. */
  async rest(): Promise<BackendMessage[]> {
    const messages: BackendMessage[] = [];
    for (;;) {
      try {
        messages.push(await this.next());
      } catch {
        return messages;
      }
    }
  }

  destroy(): void {
    this.socket.destroy();
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }

  async #more(): Promise<void> {
    if (this.#ended) throw new Error("the server closed the connection");
    await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }
}

/** The SQLSTATE of an ErrorResponse (its `C` field). */
export function sqlState(message: BackendMessage): string {
  for (const field of message.body.toString("utf8").split("\0")) if (field.startsWith("C")) return field.slice(1);
  return "";
}

/** The severity of an ErrorResponse (its `V` field, `S` in old servers). */
export function severity(message: BackendMessage): string {
  const fields = message.body.toString("utf8").split("\0");
  return (fields.find((field) => field.startsWith("V")) ?? fields.find((field) => field.startsWith("S")) ?? "").slice(
    1,
  );
}
