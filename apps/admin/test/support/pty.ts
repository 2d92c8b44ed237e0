import { spawn } from "node:child_process";
import { childEnv, EMPTY_DIR, type Env, TASKCTL } from "./taskctl.ts";

const WAIT_MS = 30_000;

function shellQuote(arg: string): string {
  return `'${arg.replaceAll("'", "'\\''")}'`;
}

/**
 * taskctl on a pseudo-terminal, through util-linux `script`: the child sees a real
 * terminal on stdin and stdout (raw mode, no echo unless it echoes), and the test reads
 * everything the terminal shows, like a person would.
 */
export class PtySession {
  private output = "";
  /** Where the next `waitFor` starts looking, so that an old prompt never matches again. */
  private seen = 0;
  private readonly exited: Promise<number | null>;
  private readonly child;

  constructor(env: Env, args: readonly string[]) {
    const command = [...TASKCTL, ...args].map(shellQuote).join(" ");
    this.child = spawn("script", ["-qfec", command, "/dev/null"], { cwd: EMPTY_DIR, env: childEnv(env) });
    this.child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      this.output += chunk;
    });
    this.child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      this.output += chunk;
    });
    this.exited = new Promise((resolve, reject) => {
      this.child.on("error", reject);
      this.child.on("close", resolve);
    });
  }

  /** Everything the terminal showed so far, with the terminal's \r\n made \n. */
  get transcript(): string {
    return this.output.replaceAll("\r\n", "\n");
  }

  /** Waits until the terminal shows `text` after what earlier waits consumed. */
  async waitFor(text: string): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const index = this.transcript.indexOf(text, this.seen);
      if (index >= 0) {
        this.seen = index + text.length;
        return;
      }
      if (Date.now() > deadline || this.child.exitCode !== null)
        throw new Error(`the terminal never showed ${JSON.stringify(text)}; it showed:\n${this.transcript}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Types `text` and Enter, once the terminal shows `prompt`. */
  async answer(prompt: string, text: string): Promise<void> {
    await this.waitFor(prompt);
    this.child.stdin.write(`${text}\r`);
  }

  /** Presses keys as they are, without Enter (for Ctrl-C: "\u0003"). */
  press(keys: string): void {
    this.child.stdin.write(keys);
  }

  /** The exit status of taskctl (`script -e` passes it on). */
  async exit(): Promise<number | null> {
    const code = await this.exited;
    this.child.stdin.end();
    return code;
  }
}
