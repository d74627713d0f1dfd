import { utf8Length } from "./utf8-length.js";

/** One parsed CSV row: the line it starts on, its fields, and the first syntax problem in it, if any. */
export interface CsvRow {
  /** The 1-based line the row starts on (a quoted field may carry it over several lines). */
  readonly line: number;
  /** The fields, at most `maxStoredFields` of them; `count` says how many the row really had. */
  readonly fields: string[];
  /** How many fields the row had. */
  readonly count: number;
  /** The first syntax problem in the row (a bare quote, text after a closing quote, no closing quote). */
  readonly error?: string;
}

/** Why the parser stopped for good. */
export interface CsvFatal {
  readonly reason: "field_too_large";
  readonly line: number;
}

/** Options of the streaming CSV parser. */
export interface CsvParserOptions {
  /** The largest field, in UTF-8 bytes as written in the file (quotes included). Bounds the buffer. */
  maxFieldBytes: number;
  /** The most fields kept per row; further fields are only counted. */
  maxStoredFields: number;
}

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Counts line breaks (LF, CRLF, lone CR) in `text[start, end)`. */
function countLines(text: string, start: number, end: number): number {
  let lines = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === LF) lines++;
    else if (c === CR && (i + 1 >= end || text.charCodeAt(i + 1) !== LF)) lines++;
  }
  return lines;
}

/**
 * A streaming RFC 4180 parser over decoded text chunks: a small state machine that slices field ranges out
 * of each chunk (no per-character concatenation). Only the current partial field is carried between chunks,
 * and `maxFieldBytes` bounds it; completed fields of the current row are kept up to `maxStoredFields`.
 *
 * Accepts CRLF, LF or a lone CR as a line end, skips empty lines, and reports (per row, without stopping) a
 * quote inside an unquoted field, text after a closing quote and a quoted field left open at the end.
 * @internal
 */
export class CsvParser {
  /** Raw text of the current partial field, from its first character (the opening quote, if quoted). */
  private pending = "";
  /** Where to resume scanning inside `pending`. */
  private resumeAt = 0;
  private pendingHasDouble = false;
  private fields: string[] = [];
  private count = 0;
  private rowLine = 1;
  private line = 1;
  private rowError: string | undefined;
  /** The previous chunk ended with a CR that ended a row: a LF at the start of the next chunk belongs to it. */
  private skipLF = false;
  private readonly maxFieldBytes: number;
  /** Stops the parser for good. */
  fatal: CsvFatal | undefined;
  maxStoredFields: number;

  constructor(options: CsvParserOptions) {
    this.maxFieldBytes = options.maxFieldBytes;
    this.maxStoredFields = options.maxStoredFields;
  }

  /** UTF-16 units carried over to the next chunk: the partial field (for tests of the memory bound). */
  get bufferedLength(): number {
    return this.pending.length;
  }

  /** Parses `chunk` (or, with `final`, the end of input), appending complete rows to `out`. */
  push(chunk: string, final: boolean, out: CsvRow[]): void {
    if (this.fatal !== undefined) return;
    let text: string;
    let i = 0;
    if (this.pending.length > 0) {
      text = this.pending + chunk;
    } else {
      text = chunk;
      if (this.skipLF && text.length > 0) {
        if (text.charCodeAt(0) === LF) i = 1;
        this.skipLF = false;
      }
    }
    const n = text.length;
    let resume = this.pending.length > 0;
    const scan = this.resumeAt;
    let hasDouble = this.pendingHasDouble;
    this.pending = "";
    this.resumeAt = 0;
    this.pendingHasDouble = false;

    for (;;) {
      // At the start of a field.
      if (i >= n) {
        if (final && this.count > 0) {
          // "a," at the end of input: the row ends with an empty field.
          this.addField("");
          this.endRow(out);
        }
        return;
      }
      const start = i;
      let c = text.charCodeAt(i);
      if (this.count === 0 && !resume) {
        if (c === LF || c === CR) {
          // An empty line is not a row.
          this.line++;
          i++;
          if (c === CR) {
            if (i < n) {
              if (text.charCodeAt(i) === LF) i++;
            } else if (!final) this.skipLF = true;
          }
          continue;
        }
        this.rowLine = this.line;
      }
      let value: string;
      let end: number; // index of the delimiter after the field (n at end of input)
      if (c === QUOTE) {
        let j = resume ? start + scan : start + 1;
        let close = -1;
        for (;;) {
          const q = text.indexOf('"', j);
          if (q < 0) {
            j = n; // no quote in [j, n): resume after it
            break;
          }
          if (q + 1 >= n) {
            if (final) close = q;
            else j = q; // cannot tell yet whether it is doubled
            break;
          }
          if (text.charCodeAt(q + 1) === QUOTE) {
            hasDouble = true;
            j = q + 2;
            continue;
          }
          close = q;
          break;
        }
        resume = false;
        if (close < 0) {
          if (!final) {
            this.keep(text, start, j - start, hasDouble);
            return;
          }
          // End of input inside a quoted field.
          this.rowError ??= "A quoted field has no closing quote.";
          if (this.tooLarge(text, start, n)) return;
          value = text.slice(start + 1, n);
          if (hasDouble) value = value.replaceAll('""', '"');
          this.line += countLines(text, start, n);
          this.addField(value);
          this.endRow(out);
          return;
        }
        end = close + 1;
        if (end < n) {
          c = text.charCodeAt(end);
          if (c !== COMMA && c !== LF && c !== CR) {
            // Text after the closing quote: report it, then read on to the next delimiter.
            this.rowError ??= "Unexpected text after a closing quote.";
            end = this.delimiterFrom(text, end);
            if (end >= n && !final) {
              this.keep(text, start, 1, false); // rescan from after the opening quote
              return;
            }
          }
        } else if (!final) {
          // The closing quote is the last character: wait for what follows it.
          this.keep(text, start, close - start, hasDouble);
          return;
        }
        if (this.tooLarge(text, start, end)) return;
        this.line += countLines(text, start, close);
        value = text.slice(start + 1, close);
        if (hasDouble) value = value.replaceAll('""', '"');
        if (end > close + 1) value += text.slice(close + 1, end);
        hasDouble = false;
      } else {
        end = this.delimiterFrom(text, resume ? start + scan : start);
        resume = false;
        if (end >= n && !final) {
          this.keep(text, start, end - start, false);
          return;
        }
        if (this.tooLarge(text, start, end)) return;
        value = text.slice(start, end);
      }
      this.addField(value);
      if (end >= n) {
        this.endRow(out);
        return;
      }
      c = text.charCodeAt(end);
      i = end + 1;
      if (c === COMMA) continue;
      this.line++;
      if (c === CR) {
        if (i < n) {
          if (text.charCodeAt(i) === LF) i++;
        } else if (!final) this.skipLF = true;
      }
      this.endRow(out);
    }
  }

  /** The index of the next comma, CR or LF at or after `from` (or the text's length), noting bare quotes. */
  private delimiterFrom(text: string, from: number): number {
    const n = text.length;
    let j = from;
    for (; j < n; j++) {
      const c = text.charCodeAt(j);
      if (c === COMMA || c === LF || c === CR) break;
      if (c === QUOTE) this.rowError ??= "A quote appears inside an unquoted field.";
    }
    return j;
  }

  private keep(text: string, start: number, resumeAt: number, hasDouble: boolean): void {
    if (this.tooLarge(text, start, text.length)) return;
    this.pending = text.slice(start);
    this.resumeAt = resumeAt;
    this.pendingHasDouble = hasDouble;
  }

  private tooLarge(text: string, start: number, end: number): boolean {
    const units = end - start;
    if (units * 3 <= this.maxFieldBytes) return false;
    if (units > this.maxFieldBytes || utf8Length(text, start, end) > this.maxFieldBytes) {
      this.fatal = { reason: "field_too_large", line: this.line + countLines(text, start, end) };
      this.pending = "";
      return true;
    }
    return false;
  }

  private addField(value: string): void {
    if (this.count < this.maxStoredFields) this.fields.push(value);
    this.count++;
  }

  private endRow(out: CsvRow[]): void {
    const row: CsvRow =
      this.rowError === undefined
        ? { line: this.rowLine, fields: this.fields, count: this.count }
        : { line: this.rowLine, fields: this.fields, count: this.count, error: this.rowError };
    out.push(row);
    this.fields = [];
    this.count = 0;
    this.rowError = undefined;
    this.rowLine = this.line;
  }
}
