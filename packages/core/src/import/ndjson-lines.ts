import { utf8Length } from "./utf8-length.js";

/**
 * Splits decoded text chunks into lines (LF or CRLF), skipping blank ones. Only the current partial line is
 * carried between chunks; a line longer than `maxLineBytes` UTF-8 bytes stops the splitter (`fatalLine`).
 *
 * Each `push` describes the complete lines it found without copying them: `text` is the text they are cut
 * from, and `ranges` holds three numbers per line — its start and end in `text` (line end excluded) and its
 * 1-based line number. Both are replaced by the next `push`.
 * @internal
 */
export class NdjsonLines {
  private pending = "";
  private line = 1;
  private readonly maxLineBytes: number;
  /** Set when a line broke the limit; the line number it started on. */
  fatalLine: number | undefined;
  /** The text the last `push` cut its lines from. */
  text = "";
  /** `[start, end, line, start, end, line, …]` for each complete non-blank line of the last `push`. */
  readonly ranges: number[] = [];

  constructor(maxLineBytes: number) {
    this.maxLineBytes = maxLineBytes;
  }

  /** UTF-16 units carried over to the next chunk (for tests of the memory bound). */
  get bufferedLength(): number {
    return this.pending.length;
  }

  private tooLong(text: string, start: number, end: number): boolean {
    const units = end - start;
    if (units * 3 <= this.maxLineBytes) return false;
    return units > this.maxLineBytes || utf8Length(text, start, end) > this.maxLineBytes;
  }

  /** Splits `chunk` (or, with `final`, the end of input) into `text` and `ranges`. */
  push(chunk: string, final: boolean): void {
    const ranges = this.ranges;
    ranges.length = 0;
    if (this.fatalLine !== undefined) return;
    const scanFrom = this.pending.length;
    const text = scanFrom > 0 ? this.pending + chunk : chunk;
    this.text = text;
    this.pending = "";
    let start = 0;
    let nl = text.indexOf("\n", scanFrom);
    while (nl >= 0) {
      if (this.tooLong(text, start, nl)) {
        this.fatalLine = this.line;
        return;
      }
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      if (!isBlank(text, start, end)) ranges.push(start, end, this.line);
      this.line++;
      start = nl + 1;
      nl = text.indexOf("\n", start);
    }
    if (this.tooLong(text, start, text.length)) {
      this.fatalLine = this.line;
      return;
    }
    if (final) {
      if (!isBlank(text, start, text.length)) ranges.push(start, text.length, this.line);
    } else if (start < text.length) {
      this.pending = text.slice(start);
    }
  }
}

function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}
