import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const CHILD = fileURLToPath(new URL("./fixtures/embedded-child.ts", import.meta.url));

/** A running embedded-child process, whose stdout lines a test can wait for. */
export class Child {
  readonly process: ChildProcessWithoutNullStreams;
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  #waiters: Array<() => void> = [];

  constructor(args: string[]) {
    this.process = spawn(process.execPath, ["--conditions=source", CHILD, ...args], { stdio: "pipe" });
    let buffered = "";
    this.process.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      const parts = buffered.split("\n");
      buffered = parts.pop() ?? "";
      this.lines.push(...parts.filter((line) => line !== ""));
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.process.stderr.resume();
    this.exited = new Promise((resolve) =>
      this.process.on("close", (code) => {
        for (const wake of this.#waiters.splice(0)) wake();
        resolve(code);
      }),
    );
  }

  /** Resolves once stdout has at least `count` lines; rejects if the process ends first. */
  async waitForLines(count: number): Promise<string[]> {
    while (this.lines.length < count) {
      if (this.process.exitCode !== null || this.process.signalCode !== null)
        throw new Error(`child exited after printing: ${this.lines.join(" | ")}`);
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    return this.lines;
  }

  /** Runs to the end and returns its output lines and exit code. */
  static async run(args: string[]): Promise<{ lines: string[]; code: number | null }> {
    const child = new Child(args);
    const code = await child.exited;
    return { lines: child.lines, code };
  }
}
