import { visible } from "./visible.ts";

export interface Column<Row> {
  readonly header: string;
  readonly value: (row: Row) => string;
  /** Longer values are cut with an ellipsis, so that one long title does not push every row off screen. */
  readonly maxWidth?: number;
}

/**
 * Aligned columns with a header line, as in `docker ps`; the last column is not padded.
 * Each cell is one line, shown `visible`: its widths are those of what the terminal shows.
 */
export function renderTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const cells = rows.map((row) => columns.map((column) => clip(visible(oneLine(column.value(row))), column.maxWidth)));
  const headers = columns.map((column) => column.header.toUpperCase());
  const widths = headers.map((header, index) =>
    Math.max(width(header), ...cells.map((line) => width(line[index] ?? ""))),
  );
  const render = (line: readonly string[]) =>
    line
      .map((cell, index) => (index === line.length - 1 ? cell : cell + " ".repeat((widths[index] ?? 0) - width(cell))))
      .join("  ")
      .trimEnd();
  return [headers, ...cells].map(render).join("\n");
}

/** Times in tables: UTC to the minute, the same for every reader of the output. */
export function formatTime(time: Date | null): string {
  return time === null ? "-" : `${time.toISOString().slice(0, 16).replace("T", " ")}`;
}

export function formatFlag(value: boolean): string {
  return value ? "yes" : "no";
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function clip(text: string, maxWidth: number | undefined): string {
  const characters = [...text];
  if (maxWidth === undefined || characters.length <= maxWidth) return text;
  return `${characters.slice(0, maxWidth - 1).join("")}…`;
}

function width(text: string): number {
  return [...text].length;
}
