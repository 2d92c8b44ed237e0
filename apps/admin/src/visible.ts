// C0 controls, DEL, C1 controls, and the bidirectional embeddings, overrides (U+202A-U+202E)
// and isolates (U+2066-U+2069), which can reorder what a line or a table shows.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const SHORT: Readonly<Record<string, string>> = { "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/**
 * Text as taskctl shows it to a person: every character that a terminal would act on
 * instead of showing (an escape sequence can move the cursor, recolour or rewrite the
 * screen) or that reorders text is written as an escape (`\x1b`, `\u202e`, `\n`), so a task
 * title or an email address cannot change what the rest of the output says. `--json`
 * output does not go through here: it stays exact.
 */
export function visible(text: string): string {
  return text.replace(UNSAFE, (character) => {
    const code = character.charCodeAt(0);
    return (
      SHORT[character] ??
      (code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`)
    );
  });
}
