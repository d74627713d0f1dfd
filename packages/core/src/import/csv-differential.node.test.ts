import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { importRecords } from "./import-records.js";
import { toCsv } from "./to-csv.js";

const cell = fc.string({
  unit: fc.constantFrom("a", "Z", "0", " ", ",", '"', "\r\n", "\n", "é", "😀", "-", "="),
  maxLength: 12,
});

/** A generated CSV file: unique header names, rows of the header's width, random quoting and line ends. */
const csvFile = fc
  .record({
    width: fc.integer({ min: 1, max: 5 }),
    rows: fc.integer({ min: 0, max: 12 }),
    newline: fc.constantFrom("\r\n", "\n"),
    trailing: fc.boolean(),
    bom: fc.boolean(),
    quoteAll: fc.boolean(),
  })
  .chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      header: fc
        .array(fc.string({ unit: fc.constantFrom("a", "b", "é", " ", "_"), minLength: 1, maxLength: 4 }), {
          minLength: shape.width,
          maxLength: shape.width,
        })
        .map((names) => names.map((n, k) => `${n}${k}`)),
      body: fc.array(fc.array(cell, { minLength: shape.width, maxLength: shape.width }), {
        minLength: shape.rows,
        maxLength: shape.rows,
      }),
      cuts: fc.array(fc.nat(), { maxLength: 6 }),
    }),
  );

function encode(cells: readonly string[], quoteAll: boolean): string {
  return cells
    .map((c) =>
      quoteAll || /[",\r\n]/.test(c) || (cells.length === 1 && c === "") ? `"${c.replaceAll('"', '""')}"` : c,
    )
    .join(",");
}

async function* pieces(bytes: Uint8Array, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let last = 0;
  for (const p of points) {
    yield bytes.slice(last, p);
    last = p;
  }
  yield bytes.slice(last);
}

describe("CSV against csv-parse (differential, fast-check)", () => {
  it("reads the same records as csv-parse from valid generated files, however they are chunked", async () => {
    await fc.assert(
      fc.asyncProperty(csvFile, async ({ shape, header, body, cuts }) => {
        const lines = [header, ...body].map((cells) => encode(cells, shape.quoteAll));
        const text =
          (shape.bom ? "\uFEFF" : "") + lines.join(shape.newline) + (shape.trailing ? shape.newline : "");
        const expected = parse(text, { columns: true, bom: true, skip_empty_lines: true });
        const bytes = new TextEncoder().encode(text);
        const { records, summary } = await importRecords(pieces(bytes, cuts), {
          format: "csv",
          formulas: "allow",
          normalize: false,
        }).collect();
        expect(summary.rejected).toBe(0);
        expect(records).toEqual(expected);
        expect(records).toHaveLength(body.length);
      }),
      { numRuns: 300 },
    );
  });

  it("toCsv output reads back (through csv-parse and importRecords) as the same records", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }).map((n) => Array.from({ length: n }, (_, k) => `col${k}`)),
        fc.array(fc.array(cell, { minLength: 4, maxLength: 4 }), { maxLength: 8 }),
        async (columns, rows) => {
          const records = rows.map((r) => Object.fromEntries(columns.map((c, k) => [c, r[k] as string])));
          const csv = toCsv(records, { columns, formulas: "allow" });
          if (records.length > 0) expect(parse(csv, { columns: true })).toEqual(records);
          const back = await importRecords(csv, {
            format: "csv",
            formulas: "allow",
            normalize: false,
          }).collect();
          expect(back.records).toEqual(records);
        },
      ),
      { numRuns: 200 },
    );
  });
});
