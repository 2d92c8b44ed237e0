import { Readable, Writable } from "node:stream";
import { type FakePorts, fakePorts } from "@tasks/domain/testing";
import type { DatabaseConfig } from "@tasks/platform";
import { runTaskctl } from "../../src/cli.ts";
import type { Container } from "../../src/container.ts";
import { createUseCases } from "../../src/use-cases.ts";
import { EMPTY_DIR, type Env, type Result, result } from "./taskctl.ts";

/** A stream that keeps what is written to it. */
function sink(): { stream: Writable; text(): string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
}

/**
 * Runs `taskctl <args>` in this process through `runTaskctl`, with `env` as its whole
 * environment and stdin an in-memory stream holding `input`, which is not a terminal.
 * `openContainer` is the composition root it is given: the real one, or fakes.
 */
export async function runInProcess(
  openContainer: (config: DatabaseConfig) => Promise<Container>,
  env: Env,
  args: readonly string[],
  input = "",
): Promise<Result> {
  const stdout = sink();
  const stderr = sink();
  const code = await runTaskctl({
    argv: args,
    env,
    cwd: EMPTY_DIR,
    io: {
      stdin: Readable.from(input === "" ? [] : [Buffer.from(input)]),
      stdout: stdout.stream,
      stderr: stderr.stream,
    },
    openContainer,
  });
  return result(code, stdout.text(), stderr.text());
}

/**
 * taskctl in this process on the domain's fakes instead of a database: the commands call
 * the same use cases on `ports`, where a test arranges and checks what they did.
 */
export class FakeTaskctl {
  readonly ports: FakePorts = fakePorts();
  /** The migrations `migrate` finds: it applies the pending ones, oldest first. */
  readonly migrations: { applied: string[]; pending: string[] } = { applied: [], pending: [] };
  /** How many commands opened the database: usage errors must not. */
  opened = 0;
  /** How many opened databases were closed again. */
  closed = 0;

  run(args: readonly string[], input = "", env: Env = {}): Promise<Result> {
    return runInProcess(async () => this.open(), env, args, input);
  }

  private open(): Container {
    this.opened++;
    const { migrations } = this;
    return {
      useCases: createUseCases(this.ports),
      database: {
        migrate: async () => {
          const applied = migrations.pending.splice(0);
          migrations.applied.push(...applied);
          return { applied };
        },
        migrationStatus: async () => ({ applied: [...migrations.applied], pending: [...migrations.pending] }),
      },
      close: async () => {
        this.closed++;
      },
    };
  }
}
