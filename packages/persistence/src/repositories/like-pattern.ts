/**
 * The LIKE pattern of `text` anywhere in a value, with `%`, `_` and the escape character
 * itself matching literally (PostgreSQL's LIKE escape is `\`).
 */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}
