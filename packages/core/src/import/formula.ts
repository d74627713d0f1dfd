const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Whether a cell would be read as a formula by a spreadsheet (OWASP "CSV injection"): it starts with `=`,
 * `+`, `-`, `@`, a tab or a carriage return. A plain number such as `-12.5` or `+3` is not a formula.
 *
 * @example
 * isFormulaCell("=HYPERLINK(\"http://evil.example\")"); // true
 * isFormulaCell("-12.5"); // false
 */
export function isFormulaCell(cell: string): boolean {
  if (cell.length === 0) return false;
  const c = cell.charCodeAt(0);
  // = + - @ TAB CR
  if (c !== 61 && c !== 43 && c !== 45 && c !== 64 && c !== 9 && c !== 13) return false;
  return !((c === 43 || c === 45) && NUMBER.test(cell));
}

/**
 * Neutralizes a formula-looking cell the way OWASP recommends: a single quote in front, so spreadsheets
 * show the text instead of evaluating it. Other cells come back unchanged.
 *
 * @example
 * neutralizeFormula("=1+2"); // "'=1+2"
 * neutralizeFormula("Ada"); // "Ada"
 */
export function neutralizeFormula(cell: string): string {
  return isFormulaCell(cell) ? `'${cell}` : cell;
}
