import type { Row } from "./scenario.js";

const COLUMNS = [
  { title: "request", width: 48, get: (row: Row) => row.request },
  { title: "expected", width: 28, get: (row: Row) => row.expected },
  { title: "got", width: 44, get: (row: Row) => row.got },
  { title: "policy that acted", width: 0, get: (row: Row) => row.policy },
] as const;

function cell(text: string, width: number): string {
  if (width === 0) return text;
  const chars = [...text];
  return chars.length > width
    ? `${chars.slice(0, width - 1).join("")}…`
    : text + " ".repeat(width - chars.length);
}

/** The header line of the table. */
export function tableHeader(): string {
  const line = `     ${COLUMNS.map((c) => cell(c.title, c.width)).join("  ")}`;
  return `${line}\n     ${COLUMNS.map((c) => "─".repeat(c.width || 30)).join("  ")}`;
}

/** One row: a mark (✓ matched, ✗ did not), its number, then the columns. */
export function tableRow(row: Row, index: number): string {
  const mark = row.ok ? "✓" : "✗";
  return `${mark} ${String(index + 1).padStart(2)} ${COLUMNS.map((c) => cell(c.get(row), c.width)).join("  ")}`;
}
