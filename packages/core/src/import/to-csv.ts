import { neutralizeFormula } from "./formula.js";

/** Options for `toCsv`. @example toCsv(rows, { columns: ["name", "city"], newline: "\n" }); */
export interface ToCsvOptions {
  /** The columns to write, in order; default the keys of the first record. */
  columns?: readonly string[];
  /** Write the header row. Default `true`. */
  header?: boolean;
  /**
   * `"neutralize"` (the default) prefixes cells that start with `=`, `+`, `-`, `@`, tab or CR with `'`
   * (OWASP's advice against CSV injection; plain numbers are left alone). `"allow"` writes them as they are.
   */
  formulas?: "neutralize" | "allow";
  /** The line end. Default `"\r\n"`, as RFC 4180 says. */
  newline?: "\r\n" | "\n";
}

const NEEDS_QUOTES = /[",\r\n]/;

function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "" : value.toISOString();
  if (typeof value === "object") return JSON.stringify(value) ?? "";
  return String(value);
}

function encodeCell(value: unknown, neutralize: boolean): string {
  let text = cellText(value);
  // Numbers, booleans and bigints cannot carry a formula; strings (and what JSON makes of objects) can.
  if (neutralize && (typeof value === "string" || typeof value === "object")) text = neutralizeFormula(text);
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Writes records as RFC 4180 CSV: fields holding a comma, quote or line break are quoted, quotes doubled,
 * lines end with CRLF. Cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first)
 * get a leading `'`, as OWASP recommends against CSV injection.
 *
 * @example
 * toCsv([{ name: "Ada", note: "=HYPERLINK(\"http://evil.example\")" }]);
 * // 'name,note\r\nAda,"\'=HYPERLINK(""http://evil.example"")"\r\n'
 */
export function toCsv(
  records: Iterable<Readonly<Record<string, unknown>>>,
  options: ToCsvOptions = {},
): string {
  const neutralize = options.formulas !== "allow";
  const newline = options.newline ?? "\r\n";
  const withHeader = options.header !== false;
  const lines: string[] = [];
  let columns = options.columns;
  const row = (cells: readonly unknown[]): string =>
    // A lone empty field would read as an empty line (which parsers skip): quote it.
    cells.length === 1 && cellText(cells[0]) === ""
      ? '""'
      : cells.map((c) => encodeCell(c, neutralize)).join(",");
  if (columns !== undefined && withHeader) lines.push(row(columns));
  for (const record of records) {
    if (columns === undefined) {
      columns = Object.keys(record);
      if (withHeader) lines.push(row(columns));
    }
    lines.push(row(columns.map((column) => (Object.hasOwn(record, column) ? record[column] : undefined))));
  }
  return lines.length === 0 ? "" : lines.join(newline) + newline;
}
