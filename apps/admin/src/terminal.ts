import type { ReadStream } from "node:tty";
import { visible } from "./visible.ts";

/** The person at the terminal pressed Ctrl-C, or Ctrl-D on an empty line. */
export class Cancelled extends Error {
  constructor() {
    super("Operation cancelled.");
    this.name = "Cancelled";
  }
}

const ENTER = new Set(["\r", "\n"]);
const CTRL_C = "\u0003";
const CTRL_D = "\u0004";
const CTRL_U = "\u0015";
const BACKSPACE = new Set(["\u007f", "\b"]);
const ESCAPE = "\u001b";

/**
 * Questions asked on a terminal. Input is read in raw mode, one key at a time, so that a
 * password is never echoed (not even briefly, as a cooked-mode terminal would). Questions
 * go to `output` (stderr), so that stdout stays clean for `--json`.
 */
export class Terminal {
  private readonly input: ReadStream;
  private readonly output: NodeJS.WritableStream;
  /** Keys typed ahead after an Enter, kept for the next question. */
  private typedAhead = "";

  constructor(input: ReadStream, output: NodeJS.WritableStream) {
    this.input = input;
    this.output = output;
  }

  /** One line for the person at the terminal, shown `visible`, like all of taskctl's human output. */
  say(line: string): void {
    this.write(`${visible(line)}\n`);
  }

  ask(question: string): Promise<string> {
    return this.readLine(question, true);
  }

  askHidden(question: string): Promise<string> {
    return this.readLine(question, false);
  }

  /** A yes/no question whose default, on a bare Enter, is no. */
  async confirm(question: string): Promise<boolean> {
    for (;;) {
      const answer = (await this.ask(`${question} [y/N]: `)).trim().toLowerCase();
      if (answer === "" || answer === "n" || answer === "no") return false;
      if (answer === "y" || answer === "yes") return true;
      this.say('Please answer "y" or "n".');
    }
  }

  private write(text: string): void {
    this.output.write(text);
  }

  private readLine(question: string, echo: boolean): Promise<string> {
    return new Promise((resolve, reject) => {
      let line = "";
      const finish = (rest: string, error?: Cancelled) => {
        this.input.off("data", onData);
        this.input.setRawMode(false);
        this.input.pause();
        this.typedAhead = rest;
        // In raw mode the terminal does not move to the next line on Enter by itself.
        this.write("\n");
        if (error) reject(error);
        else resolve(line);
      };
      const onData = (chunk: string) => {
        const keys = [...chunk];
        for (const [index, key] of keys.entries()) {
          if (ENTER.has(key)) {
            // A "\r\n" pair is one Enter.
            const next = key === "\r" && keys[index + 1] === "\n" ? index + 2 : index + 1;
            return finish(keys.slice(next).join(""));
          }
          if (key === CTRL_C || (key === CTRL_D && line === "")) return finish("", new Cancelled());
          if (key === ESCAPE) return; // an arrow or function key: its sequence fills the rest of the chunk
          if (BACKSPACE.has(key)) {
            if (line === "") continue;
            line = [...line].slice(0, -1).join("");
            if (echo) this.write("\b \b");
          } else if (key === CTRL_U) {
            if (echo) this.write("\b \b".repeat([...line].length));
            line = "";
          } else if (key >= " ") {
            line += key;
            if (echo) this.write(key);
          }
        }
      };
      this.input.setEncoding("utf8");
      // Raw before the question shows, so that no key typed in answer is ever echoed.
      this.input.setRawMode(true);
      this.write(visible(question));
      this.input.on("data", onData);
      this.input.resume();
      const ahead = this.typedAhead;
      this.typedAhead = "";
      if (ahead !== "") onData(ahead);
    });
  }
}
