import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvParser, type CsvRow } from "./csv-parser.js";

function parse(chunks: readonly string[], maxFieldBytes = 1 << 20): { rows: CsvRow[]; parser: CsvParser } {
  const parser = new CsvParser({ maxFieldBytes, maxStoredFields: 1000 });
  const rows: CsvRow[] = [];
  for (const chunk of chunks) parser.push(chunk, false, rows);
  parser.push("", true, rows);
  return { rows, parser };
}

const fields = (text: string) => parse([text]).rows.map((r) => r.fields);

/** Splits `text` at the given cut points. */
function split(text: string, cuts: readonly number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let last = 0;
  for (const p of points) {
    out.push(text.slice(last, p));
    last = p;
  }
  out.push(text.slice(last));
  return out;
}

describe("CsvParser (RFC 4180)", () => {
  it("reads plain fields with CRLF, LF and a lone CR as line ends", () => {
    expect(fields("a,b\r\nc,d\ne,f\rg,h")).toEqual([
      ["a", "b"],
      ["c", "d"],
      ["e", "f"],
      ["g", "h"],
    ]);
  });

  it("reads quoted fields with commas, doubled quotes and embedded line breaks", () => {
    expect(fields('"a,1","say ""hi""","x\r\ny\nz"\r\n')).toEqual([["a,1", 'say "hi"', "x\r\ny\nz"]]);
  });

  it("keeps empty fields, quoted or not, and a trailing empty field", () => {
    expect(fields(',"",\r\na,\n')).toEqual([
      ["", "", ""],
      ["a", ""],
    ]);
    expect(fields("a,")).toEqual([["a", ""]]);
  });

  it("skips empty lines and a final line end, and numbers rows by the line they start on", () => {
    const { rows } = parse(['a\r\n\r\n"b\nc"\n\nd\n']);
    expect(rows.map((r) => [r.line, r.fields])).toEqual([
      [1, ["a"]],
      [3, ["b\nc"]],
      [6, ["d"]],
    ]);
  });

  it("reports a bare quote in an unquoted field as a row problem and reads on", () => {
    const { rows } = parse(['a,b"c,d\ne,f,g\n']);
    expect(rows[0]?.error).toMatch(/quote/);
    expect(rows[0]?.count).toBe(3);
    expect(rows[1]).toEqual({ line: 2, fields: ["e", "f", "g"], count: 3 });
  });

  it("reports text after a closing quote, and an unterminated quote at the end", () => {
    const { rows } = parse(['"a"b,c\n"open,d\n']);
    expect(rows[0]?.error).toMatch(/after a closing quote/);
    expect(rows[0]?.fields).toEqual(["ab", "c"]);
    expect(rows[1]?.error).toMatch(/no closing quote/);
    expect(rows[1]?.fields).toEqual(["open,d\n"]);
  });

  it("counts every field but stores at most maxStoredFields", () => {
    const parser = new CsvParser({ maxFieldBytes: 100, maxStoredFields: 2 });
    const rows: CsvRow[] = [];
    parser.push("a,b,c,d\n", true, rows);
    expect(rows[0]).toEqual({ line: 1, fields: ["a", "b"], count: 4 });
  });

  it("stops with field_too_large when a field (quotes included) exceeds maxFieldBytes, also across chunks", () => {
    expect(parse(['"12345678"\n'], 10).parser.fatal).toBeUndefined();
    expect(parse(['"123456789"\n'], 10).parser.fatal?.reason).toBe("field_too_large");
    expect(parse(["ok\n", '"1234', "5678", "90"], 10).parser.fatal).toEqual({
      reason: "field_too_large",
      line: 2,
    });
    // Multi-byte characters count in UTF-8 bytes: 4 × "é" is 8 bytes.
    expect(parse(["éééé,ééééé\n"], 8).parser.fatal?.reason).toBe("field_too_large");
  });

  it("handles a CRLF split across chunks without an extra empty row", () => {
    const { rows } = parse(["a\r", "\nb\r", "", "\nc"]);
    expect(rows.map((r) => [r.line, r.fields])).toEqual([
      [1, ["a"]],
      [2, ["b"]],
      [3, ["c"]],
    ]);
  });

  it("gives the same rows however the text is cut into chunks (fast-check)", () => {
    const alphabet = fc.constantFrom("a", "b", ",", '"', "\r", "\n", "é", "😀");
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (chars, cuts) => {
          const text = chars.join("");
          const whole = parse([text]);
          const pieces = parse(split(text, cuts));
          expect(pieces.rows).toEqual(whole.rows);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("never throws and never buffers more than maxFieldBytes on arbitrary text (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("x", ",", '"', "\r", "\n", "ü"), maxLength: 200 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.integer({ min: 1, max: 40 }),
        (text, cuts, max) => {
          const parser = new CsvParser({ maxFieldBytes: max, maxStoredFields: 5 });
          const rows: CsvRow[] = [];
          for (const piece of split(text, cuts)) {
            parser.push(piece, false, rows);
            expect(parser.bufferedLength).toBeLessThanOrEqual(max);
          }
          parser.push("", true, rows);
          for (const row of rows) {
            expect(row.fields.length).toBeLessThanOrEqual(5);
            for (const field of row.fields)
              expect(new TextEncoder().encode(field).length).toBeLessThanOrEqual(max);
          }
          // Row lines strictly increase.
          for (let k = 1; k < rows.length; k++)
            expect(rows[k]?.line).toBeGreaterThan(rows[k - 1]?.line as number);
        },
      ),
      { numRuns: 500 },
    );
  });
});
