import { isProblemError } from "../errors/goggles-error.js";
import { type EventHandler, emit } from "../events.js";
import { badRequest, contentTooLarge, type Problem, unprocessableContent } from "../problem.js";
import { normalizeText } from "../sanitize/normalize-text.js";
import { sanitize as applyRules, type SanitizeRules } from "../sanitize/sanitize.js";
import { JsonLineParser } from "../validate/parse-json-lines.js";
import type { StandardSchemaV1 } from "../validate/standard-schema.js";
import { validationProblem } from "../validate/validate.js";
import { CsvParser, type CsvRow } from "./csv-parser.js";
import { isFormulaCell } from "./formula.js";
import { NdjsonLines } from "./ndjson-lines.js";
import { Utf8ChunkDecoder } from "./utf8-chunk-decoder.js";
import { utf8Length } from "./utf8-length.js";

/** The formats `importRecords` reads. @example const format: ImportFormat = "ndjson"; */
export type ImportFormat = "csv" | "ndjson";

/** Where the bytes of an import come from. @example const source: ImportSource = request.body ?? ""; */
export type ImportSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | string;

/**
 * Limits on an import. Breaking one ends the import with a problem; a bad row alone never does.
 *
 * @example
 * const limits: ImportLimits = { maxBytes: 20 * 1024 * 1024, maxRows: 50_000, maxErrors: 500 };
 */
export interface ImportLimits {
  /** The most bytes read; more ends the import with 413. Default 10 MiB. */
  maxBytes?: number;
  /** The most data rows (the CSV header not counted); more ends the import with 413. Default 100 000. */
  maxRows?: number;
  /** The most CSV columns; a wider header ends the import with 413. Default 100. */
  maxColumns?: number;
  /**
   * The largest CSV field as written (quotes included), or NDJSON line, in UTF-8 bytes; larger ends the
   * import with 413. Bounds the memory an import holds: only the current partial field is buffered.
   * Default 64 KiB.
   */
  maxFieldBytes?: number;
  /** The import ends with 422 once this many rows were rejected. Default 100. */
  maxErrors?: number;
}

/** The default import limits. @example importRecords(text, { format: "csv", limits: { ...DEFAULT_IMPORT_LIMITS, maxRows: 10 } }); */
export const DEFAULT_IMPORT_LIMITS: Readonly<Required<ImportLimits>> = Object.freeze({
  maxBytes: 10 * 1024 * 1024,
  maxRows: 100_000,
  maxColumns: 100,
  maxFieldBytes: 64 * 1024,
  maxErrors: 100,
});

/**
 * What to do with a cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first).
 *
 * @example
 * importRecords(text, { format: "csv", formulas: "reject" });
 */
export type FormulaPolicy = "allow" | "flag" | "reject";

/**
 * Options for `importRecords`.
 *
 * @example
 * const options: ImportOptions<"csv"> = { format: "csv", normalize: (s) => s.trim(), limits: { maxRows: 1000 } };
 */
export interface ImportOptions<
  F extends ImportFormat = ImportFormat,
  S extends StandardSchemaV1 | undefined = StandardSchemaV1 | undefined,
  A extends StandardSchemaV1 | undefined = StandardSchemaV1 | undefined,
> {
  format: F;
  /** Validates each row (CSV: an object of strings keyed by the header; NDJSON: the parsed value). */
  schema?: S;
  /** A Standard Schema (e.g. a `defineAdapter` result) applied last: the validated row → the internal shape. */
  adapter?: A;
  /**
   * Normalizes every string before the formula check and validation (CSV cells and header names; NDJSON
   * string values, keys excluded). Default `normalizeText` (NFC, control and invisible characters removed,
   * CRLF → LF, trimmed); pass your own `(text) => string`, or `false` to keep strings exactly as read.
   */
  normalize?: false | ((text: string) => string);
  /**
   * Runs on each validated row before the adapter: `sanitize` rules (`{ bio: sanitizeHtml, "tags[]":
   * escapeHtml }`) or a function of the row.
   */
  sanitize?: SanitizeRules<SchemaValue<F, S>> | ((row: SchemaValue<F, S>) => SchemaValue<F, S>);
  limits?: ImportLimits;
  /** `"flag"` (default) accepts the row and lists the cells in `formulas`; `"reject"` rejects the row. */
  formulas?: FormulaPolicy;
  /** How many row problems the summary keeps (the first ones). Default 100. */
  keepProblems?: number;
  /** Receives an `import_row_rejected` event per rejected row. */
  onEvent?: EventHandler;
}

/** A row before the schema: CSV gives an object of strings, NDJSON a parsed JSON value. */
export type RawRow<F extends ImportFormat> = F extends "csv" ? Record<string, string> : unknown;

/** A row after the schema (before the adapter). */
export type SchemaValue<F extends ImportFormat, S> = S extends StandardSchemaV1
  ? StandardSchemaV1.InferOutput<S>
  : RawRow<F>;

/** What each accepted row holds: the adapter's output, else the schema's, else the raw row. */
export type ImportedRecord<F extends ImportFormat, S, A> = A extends StandardSchemaV1
  ? StandardSchemaV1.InferOutput<A>
  : SchemaValue<F, S>;

/** An accepted row. @example if (row.ok) save(row.record); */
export interface AcceptedRow<T> {
  readonly ok: true;
  /** The 1-based line the row starts on. */
  readonly line: number;
  readonly record: T;
  readonly problem?: undefined;
  /** With `formulas: "flag"`, the columns (CSV) or paths (NDJSON) whose cells look like formulas. */
  readonly formulas?: readonly string[];
  readonly fatal?: undefined;
}

/**
 * A rejected row, or (with `fatal`) the problem that ended the import, on the line where it happened.
 *
 * @example
 * if (!row.ok) console.warn(row.line, row.problem.detail, row.fatal ? "(import stopped)" : "");
 */
export interface RejectedRow {
  readonly ok: false;
  readonly line: number;
  readonly record?: undefined;
  readonly problem: Problem;
  /** True for the last outcome when a limit (or unreadable input) ended the import; not counted as a row. */
  readonly fatal?: true;
  readonly formulas?: undefined;
}

/** One outcome per row, in input order; `ok` tells which. @example const accepted = outcomes.filter((o) => o.ok); */
export type ImportOutcome<T> = AcceptedRow<T> | RejectedRow;

/** A rejected row's line and problem. @example for (const { line, problem } of summary.problems) log(line, problem.detail); */
export interface RowProblem {
  readonly line: number;
  readonly problem: Problem;
}

/** How an import went. @example const { accepted, rejected, complete } = await imported.summary; */
export interface ImportSummary {
  /** Data rows read (each got exactly one outcome). */
  readonly rows: number;
  readonly accepted: number;
  readonly rejected: number;
  /** The first `keepProblems` row problems. */
  readonly problems: readonly RowProblem[];
  /** What ended the import early (a broken limit, unreadable input, too many errors), if anything did. */
  readonly problem?: Problem;
  /** True when the whole input was read and no limit ended it. */
  readonly complete: boolean;
  /** Bytes read. */
  readonly bytes: number;
}

/**
 * A running import: iterate it once for the outcomes; `summary` settles when iteration ends.
 *
 * @example
 * for await (const row of imported) if (row.ok) save(row.record);
 * const summary = await imported.summary;
 */
export interface RecordImport<T> extends AsyncIterable<ImportOutcome<T>> {
  /** Settles (never rejects) when iteration ends, early or not. */
  readonly summary: Promise<ImportSummary>;
  /** Iterates everything, keeping accepted records (at most `maxRows` of them). */
  collect(): Promise<{ records: T[]; summary: ImportSummary }>;
}

const MAX_NAME = 64;

function clip(s: string): string {
  return s.length <= MAX_NAME ? s : `${s.slice(0, MAX_NAME - 1)}…`;
}

function withLine(problem: Problem, line: number): Problem {
  return { ...problem, extensions: { ...problem.extensions, line } };
}

function rowProblem(detail: string, line: number, reason: string): Problem {
  return badRequest({ detail, extensions: { line, reason } });
}

const FORBIDDEN_KEY = "__proto__";
const JSON_LINE = { maxBytes: Number.MAX_SAFE_INTEGER, label: "line" } as const;

/** A Standard Schema result as a value or a 422 problem (issue paths and messages, never the input). */
function schemaOutcome(result: StandardSchemaV1.Result<unknown>): { value: unknown } | { problem: Problem } {
  if (result.issues === undefined) return { value: result.value };
  return { problem: validationProblem(Array.isArray(result.issues) ? result.issues : [], { source: "row" }) };
}

function isThenable<V>(value: V | PromiseLike<V>): value is PromiseLike<V> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

type JsonContainer = Record<string, unknown> | unknown[];

/**
 * Normalizes, in place, every string of a freshly parsed JSON value (keys untouched), and with `found` lists
 * the paths (`a.b.0`) of the strings that look like formulas, in document order. Recursive: `parseJson` has
 * already bounded the nesting (64 levels by default).
 */
function reviseStrings(
  node: JsonContainer,
  path: string,
  normalize: ((text: string) => string) | undefined,
  found: string[] | undefined,
): void {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const v = node[i];
      if (typeof v === "string") {
        const s = normalize === undefined ? v : normalize(v);
        if (normalize !== undefined) node[i] = s;
        if (found !== undefined && isFormulaCell(s)) found.push(path === "" ? `${i}` : `${path}.${i}`);
      } else if (typeof v === "object" && v !== null) {
        const inner = found === undefined ? "" : path === "" ? `${i}` : `${path}.${i}`;
        reviseStrings(v as JsonContainer, inner, normalize, found);
      }
    }
    return;
  }
  for (const key in node) {
    const v = node[key];
    if (typeof v === "string") {
      const s = normalize === undefined ? v : normalize(v);
      if (normalize !== undefined) node[key] = s;
      if (found !== undefined && isFormulaCell(s))
        found.push(path === "" ? clip(key) : `${path}.${clip(key)}`);
    } else if (typeof v === "object" && v !== null) {
      const inner = found === undefined ? "" : path === "" ? clip(key) : `${path}.${clip(key)}`;
      reviseStrings(v as JsonContainer, inner, normalize, found);
    }
  }
}

async function* chunksOf(source: ImportSource): AsyncGenerator<Uint8Array> {
  if (typeof (source as ReadableStream<Uint8Array>).getReader === "function") {
    const reader = (source as ReadableStream<Uint8Array>).getReader();
    let done = false;
    try {
      for (;;) {
        const next = await reader.read();
        if (next.done) {
          done = true;
          return;
        }
        yield next.value;
      }
    } finally {
      if (!done) await reader.cancel().catch(() => {});
      reader.releaseLock();
    }
  }
  yield* source as AsyncIterable<Uint8Array>;
}

const STRING_SLICE = 64 * 1024;
/** Printable ASCII with no space at either end: text `normalizeText` returns unchanged (most cells). */
const PLAIN_ASCII = /^[!-~](?:[ -~]*[!-~])?$/;
const defaultNormalize = (text: string): string =>
  text === "" || PLAIN_ASCII.test(text) ? text : normalizeText(text);
const COALESCE = 16 * 1024;

class Stop {
  constructor(readonly problem: Problem) {}
}

/**
 * Streams CSV or NDJSON rows through the same pipeline as a request body: `normalize` on strings, the
 * formula check, the `schema`, `sanitize`, then the `adapter`. Yields exactly one outcome per row, in input order;
 * a bad row is rejected without stopping the import, unless `maxErrors` rows were. Breaking a size limit
 * (bytes, rows, columns, field size) ends the import with a last `fatal` outcome, as does input that is not
 * UTF-8. Memory stays bounded: only the current partial field (≤ `maxFieldBytes`) is buffered.
 *
 * CSV follows RFC 4180: the first row names the fields; every row must have as many fields as the header;
 * quoted fields may hold commas, doubled quotes and line breaks; CRLF, LF or CR end lines; a UTF-8 BOM is
 * skipped; empty lines are skipped.
 *
 * @example
 * const rows = importRecords(request.body, { format: "csv", schema: Family, limits: { maxRows: 10_000 } });
 * for await (const row of rows) {
 *   if (row.ok) await db.insert(row.record);
 *   else log.warn(row.line, row.problem.detail);
 * }
 * const { accepted, rejected, problems } = await rows.summary;
 */
export function importRecords<
  F extends ImportFormat,
  S extends StandardSchemaV1 | undefined = undefined,
  A extends StandardSchemaV1 | undefined = undefined,
>(source: ImportSource, options: ImportOptions<F, S, A>): RecordImport<ImportedRecord<F, S, A>> {
  type T = ImportedRecord<F, S, A>;
  const limits = { ...DEFAULT_IMPORT_LIMITS, ...options.limits };
  const keep = options.keepProblems ?? 100;
  const formulas = options.formulas ?? "flag";
  const normalize = options.normalize === false ? undefined : (options.normalize ?? defaultNormalize);
  const schema = options.schema as StandardSchemaV1 | undefined;
  const adapter = options.adapter as StandardSchemaV1 | undefined;
  const rules = options.sanitize;
  const sanitize: ((row: unknown) => unknown) | undefined =
    rules === undefined
      ? undefined
      : typeof rules === "function"
        ? (rules as (row: unknown) => unknown)
        : (row) => applyRules(row, rules as SanitizeRules<unknown>);
  if (options.format !== "csv" && options.format !== "ndjson") {
    throw new TypeError(
      `Unknown import format ${JSON.stringify(options.format)}; expected "csv" or "ndjson".`,
    );
  }

  let resolveSummary!: (summary: ImportSummary) => void;
  const summary = new Promise<ImportSummary>((resolve) => {
    resolveSummary = resolve;
  });
  let rows = 0;
  let accepted = 0;
  let rejected = 0;
  let bytes = 0;
  const problems: RowProblem[] = [];
  let ended: Problem | undefined;
  let started = false;

  const reject = (line: number, problem: Problem): RejectedRow => {
    rejected++;
    if (problems.length < keep) problems.push({ line, problem });
    const issues = (problem.extensions?.issues as unknown[] | undefined)?.length ?? 1;
    emit(options.onEvent, { type: "import_row_rejected", line, issueCount: issues });
    return { ok: false, line, problem };
  };

  // The pipeline after parsing, written without per-row closures: sync schemas never touch a promise.
  // Without schema, sanitize or adapter a row is accepted as parsed (the common bulk case, no calls).
  const plain = schema === undefined && sanitize === undefined && adapter === undefined;
  const finishRow = (
    line: number,
    value: unknown,
    flagged: string[] | undefined,
  ): ImportOutcome<T> | Promise<ImportOutcome<T>> => {
    if (!schema) return afterSchema(line, value, flagged);
    const result = schema["~standard"].validate(value);
    return isThenable(result)
      ? Promise.resolve(result).then((r) => schemaThen(line, r, flagged))
      : schemaThen(line, result, flagged);
  };

  const schemaThen = (
    line: number,
    result: StandardSchemaV1.Result<unknown>,
    flagged: string[] | undefined,
  ): ImportOutcome<T> | Promise<ImportOutcome<T>> => {
    const outcome = schemaOutcome(result);
    if ("problem" in outcome) return reject(line, withLine(outcome.problem, line));
    return afterSchema(line, outcome.value, flagged);
  };

  const afterSchema = (
    line: number,
    value: unknown,
    flagged: string[] | undefined,
  ): ImportOutcome<T> | Promise<ImportOutcome<T>> => {
    const sanitized = sanitize ? sanitize(value) : value;
    if (!adapter) return accept(line, sanitized, flagged);
    const result = adapter["~standard"].validate(sanitized);
    return isThenable(result)
      ? Promise.resolve(result).then((r) => adapterThen(line, r, flagged))
      : adapterThen(line, result, flagged);
  };

  const adapterThen = (
    line: number,
    result: StandardSchemaV1.Result<unknown>,
    flagged: string[] | undefined,
  ): ImportOutcome<T> => {
    const outcome = schemaOutcome(result);
    if ("problem" in outcome) return reject(line, withLine(outcome.problem, line));
    return accept(line, outcome.value, flagged);
  };

  const accept = (line: number, record: unknown, flagged: string[] | undefined): AcceptedRow<T> => {
    accepted++;
    return flagged === undefined
      ? { ok: true, line, record: record as T }
      : { ok: true, line, record: record as T, formulas: flagged };
  };

  const formulaProblem = (line: number, where: string): RejectedRow =>
    reject(
      line,
      unprocessableContent({
        detail: `The cell at ${where} starts like a spreadsheet formula (=, +, -, @, tab or CR).`,
        extensions: { line, reason: "formula", column: where },
      }),
    );

  // CSV
  let header: string[] | undefined;
  const csvRow = (row: CsvRow): ImportOutcome<T> | Promise<ImportOutcome<T>> | Stop | undefined => {
    if (header === undefined) {
      if (row.error !== undefined) {
        return new Stop(rowProblem(`The header row is malformed: ${row.error}`, row.line, "header"));
      }
      if (row.count > limits.maxColumns) {
        return new Stop(
          contentTooLarge({
            detail: `The header has ${row.count} columns; at most ${limits.maxColumns} are accepted.`,
            extensions: { line: row.line, reason: "max_columns" },
          }),
        );
      }
      const seen = new Set<string>();
      for (const name of row.fields) {
        const clean = normalize ? normalize(name) : name;
        if (clean === "" || clean === FORBIDDEN_KEY || seen.has(clean)) {
          const why =
            clean === ""
              ? "an empty column name"
              : seen.has(clean)
                ? "a duplicate column name"
                : "a forbidden column name";
          return new Stop(rowProblem(`The header row has ${why}.`, row.line, "header"));
        }
        seen.add(clean);
      }
      header = [...seen];
      csv.maxStoredFields = header.length;
      return undefined;
    }
    if (rows >= limits.maxRows) return new Stop(tooManyRows(row.line));
    rows++;
    if (row.error !== undefined) return reject(row.line, rowProblem(row.error, row.line, "syntax"));
    if (row.count !== header.length) {
      return reject(
        row.line,
        rowProblem(
          `The row has ${row.count} fields; the header has ${header.length}.`,
          row.line,
          "column_count",
        ),
      );
    }
    let flagged: string[] | undefined;
    const record: Record<string, string> = {};
    for (let k = 0; k < header.length; k++) {
      const name = header[k] as string;
      // Normalize first: the formula check looks at what will be stored (trimming may uncover a "=").
      const cell = normalize ? normalize(row.fields[k] as string) : (row.fields[k] as string);
      if (formulas !== "allow" && isFormulaCell(cell)) {
        if (formulas === "reject") return formulaProblem(row.line, `column ${clip(name)}`);
        if (flagged === undefined) flagged = [];
        flagged.push(clip(name));
      }
      record[name] = cell;
    }
    return plain ? accept(row.line, record, flagged) : finishRow(row.line, record, flagged);
  };

  // NDJSON
  const foundScratch: string[] = []; // formula paths of the current row, copied out only when there are any
  const ndjsonRow = (
    start: number,
    end: number,
    line: number,
  ): ImportOutcome<T> | Promise<ImportOutcome<T>> | Stop => {
    if (rows >= limits.maxRows) return new Stop(tooManyRows(line));
    rows++;
    // The line limit is already enforced by the splitter; parseJson's checks reject __proto__ /
    // constructor.prototype (plain or escaped), nesting past 64 and objects over 1000 members.
    const parsed = jsonLines.parse(start, end);
    if (!parsed.ok) return reject(line, withLine(parsed.problem, line));
    let value = parsed.value;
    const found = formulas === "allow" ? undefined : foundScratch;
    if (found !== undefined) found.length = 0;
    if (typeof value === "string") {
      if (normalize !== undefined) value = normalize(value);
      if (found !== undefined && isFormulaCell(value as string)) found.push("");
    } else if (
      typeof value === "object" &&
      value !== null &&
      (normalize !== undefined || found !== undefined)
    ) {
      reviseStrings(value as JsonContainer, "", normalize, found);
    }
    let flagged: string[] | undefined;
    if (found !== undefined && found.length > 0) {
      if (formulas === "reject")
        return formulaProblem(line, found[0] === "" ? "the root" : `path ${found[0]}`);
      flagged = found.slice();
    }
    return plain ? accept(line, value, flagged) : finishRow(line, value, flagged);
  };

  const tooManyRows = (line: number): Problem =>
    contentTooLarge({
      detail: `The import has more than ${limits.maxRows} rows.`,
      extensions: { line, reason: "max_rows" },
    });

  const csv = new CsvParser({ maxFieldBytes: limits.maxFieldBytes, maxStoredFields: limits.maxColumns });
  const ndjson = new NdjsonLines(limits.maxFieldBytes);
  const jsonLines = new JsonLineParser(JSON_LINE);
  const isCsv = options.format === "csv";

  // A `ProblemError` thrown while handling a row (an adapter's transform refusing a value, a sanitize rule)
  // rejects that row with its problem; any other throw is a bug and ends the iteration with it.
  const refuse =
    (line: number) =>
    (error: unknown): RejectedRow => {
      if (isProblemError(error)) return reject(line, withLine(error.problem, line));
      throw error;
    };

  const fieldTooLarge = (at: number): Problem =>
    contentTooLarge({
      detail: isCsv
        ? `A field is larger than ${limits.maxFieldBytes} bytes.`
        : `A line is larger than ${limits.maxFieldBytes} bytes.`,
      extensions: { line: at, reason: "max_field_bytes" },
    });
  const tooManyErrors = (at: number): Problem =>
    unprocessableContent({
      detail: `The import stopped after ${rejected} rejected rows.`,
      extensions: { line: at, reason: "max_errors" },
    });

  /**
   * The outcomes, as a hand-written async iterator rather than an async generator: a row whose pipeline is
   * synchronous is handled inside `next()` and handed out as an already settled promise, which costs a third
   * of a generator's `yield`. Rows are still handled one per `next()` (lazily, in input order), so a consumer
   * that stops early leaves the rest unread and uncounted.
   */
  function run(): AsyncIterator<ImportOutcome<T>> {
    const csvRows: CsvRow[] = [];
    const ranges = ndjson.ranges;
    let at = 0; // the next buffered row: an index into csvRows, or into ranges (3 numbers per line)
    let final = false; // the buffered rows come from the last piece of input
    let line = 1;
    let lastLine = 1; // the line of the last outcome handed out
    let lastRejected = false;
    let complete = false;
    let fatalSent = false;
    let finished: Promise<void> | undefined;
    let busy: Promise<unknown> | undefined;

    const tooManyBytes = (): Problem =>
      contentTooLarge({
        detail: `The import exceeds ${limits.maxBytes} bytes.`,
        extensions: { line, reason: "max_bytes" },
      });

    // The next piece of decoded text, or the problem that ends the import. Called once per chunk.
    let nextText: () => Promise<{ text: string; final: boolean } | Problem>;
    let release = async (): Promise<void> => {};
    if (typeof source === "string") {
      bytes = utf8Length(source, 0, source.length);
      const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
      let from = 0;
      nextText = async () => {
        if (bytes > limits.maxBytes) return tooManyBytes();
        const piece = text.slice(from, from + STRING_SLICE);
        from += STRING_SLICE;
        return { text: piece, final: from >= text.length };
      };
    } else {
      const decoder = new Utf8ChunkDecoder();
      const chunks = chunksOf(source);
      release = async () => {
        await chunks.return(undefined).catch(() => {});
      };
      const readOne = async (): Promise<{ text: string; final: boolean } | Problem> => {
        let next: IteratorResult<Uint8Array>;
        try {
          next = await chunks.next();
        } catch (error) {
          return isProblemError(error)
            ? withLine(error.problem, line)
            : badRequest({
                detail: "The import could not be read.",
                extensions: { line, reason: "read_failed" },
              });
        }
        try {
          if (next.done) return { text: decoder.end(), final: true };
          bytes += next.value.byteLength;
          if (bytes > limits.maxBytes) return tooManyBytes();
          return { text: decoder.decode(next.value), final: false };
        } catch {
          return badRequest({
            detail: "The import is not valid UTF-8.",
            extensions: { line, reason: "encoding" },
          });
        }
      };
      // Tiny chunks (a slow or hostile sender writing a byte at a time) are joined up to COALESCE units before
      // parsing: a partial field is re-read on each push, so parsing per byte would cost O(field²).
      let deferred: Problem | undefined;
      nextText = async () => {
        if (deferred !== undefined) return deferred;
        const first = await readOne();
        if (!("text" in first) || first.final || first.text.length >= COALESCE) return first;
        const parts = [first.text];
        let length = first.text.length;
        while (length < COALESCE) {
          const more = await readOne();
          if (!("text" in more)) {
            deferred = more;
            break;
          }
          parts.push(more.text);
          length += more.text.length;
          if (more.final) return { text: parts.join(""), final: true };
        }
        return { text: parts.join(""), final: false };
      };
    }

    const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

    /** Releases the source and settles the summary, once. */
    const finish = (): Promise<void> => {
      finished ??= release().then(() =>
        resolveSummary({
          rows,
          accepted,
          rejected,
          problems,
          complete,
          bytes,
          ...(ended ? { problem: ended } : {}),
        }),
      );
      return finished;
    };

    const deliver = (out: ImportOutcome<T>): IteratorResult<ImportOutcome<T>> => {
      lastRejected = out.problem !== undefined;
      lastLine = out.line;
      return { done: false, value: out };
    };

    /** Hands out the problem that ended the import as the last outcome. */
    const endWith = (problem: Problem): IteratorResult<ImportOutcome<T>> => {
      ended = problem;
      fatalSent = true;
      const fatalLine = (problem.extensions?.line as number | undefined) ?? line;
      return { done: false, value: { ok: false, line: fatalLine, problem, fatal: true } };
    };

    /** The next outcome: synchronously while buffered rows last, else after reading more input. */
    const advance = (): IteratorResult<ImportOutcome<T>> | Promise<IteratorResult<ImportOutcome<T>>> => {
      if (fatalSent || finished !== undefined) return finish().then(() => DONE);
      if (lastRejected && rejected >= limits.maxErrors) return endWith(tooManyErrors(lastLine));
      lastRejected = false;
      for (;;) {
        let step: ImportOutcome<T> | Promise<ImportOutcome<T>> | Stop | undefined;
        if (isCsv) {
          if (at >= csvRows.length) break;
          const row = csvRows[at++] as CsvRow;
          line = row.line;
          try {
            step = csvRow(row);
          } catch (error) {
            step = refuse(line)(error);
          }
        } else {
          if (at >= ranges.length) break;
          line = ranges[at + 2] as number;
          try {
            step = ndjsonRow(ranges[at] as number, ranges[at + 1] as number, line);
          } catch (error) {
            step = refuse(line)(error);
          }
          at += 3;
        }
        if (step === undefined) continue; // the CSV header
        if (step instanceof Stop) return endWith(step.problem);
        if (step instanceof Promise) return step.then(undefined, refuse(line)).then(deliver);
        return deliver(step);
      }
      // Every buffered row is out.
      const fatalLine = isCsv ? csv.fatal?.line : ndjson.fatalLine;
      if (fatalLine !== undefined) return endWith(fieldTooLarge(fatalLine));
      if (final) {
        complete = true;
        return finish().then(() => DONE);
      }
      return nextText().then((piece) => {
        if (!("text" in piece)) return endWith(piece);
        final = piece.final;
        at = 0;
        if (isCsv) {
          csvRows.length = 0;
          csv.push(piece.text, piece.final, csvRows);
        } else {
          ndjson.push(piece.text, piece.final);
          jsonLines.load(ndjson.text);
        }
        return advance();
      });
    };

    // A bug (a throw that is not a ProblemError) ends the iteration with it, after releasing the source.
    const failWith = (error: unknown): Promise<never> =>
      finish().then(() => {
        throw error;
      });

    const next = (): Promise<IteratorResult<ImportOutcome<T>>> => {
      // Calls made before the previous one settled wait their turn (a `for await` never does that).
      if (busy !== undefined) return busy.then(next, next);
      let result: IteratorResult<ImportOutcome<T>> | Promise<IteratorResult<ImportOutcome<T>>>;
      try {
        result = advance();
      } catch (error) {
        fatalSent = true;
        return failWith(error);
      }
      if (!(result instanceof Promise)) return Promise.resolve(result);
      const settled = result.then(
        (r) => {
          busy = undefined;
          return r;
        },
        (error: unknown) => {
          busy = undefined;
          fatalSent = true;
          return failWith(error);
        },
      );
      busy = settled;
      return settled;
    };

    return {
      next,
      return: (value?: unknown) =>
        finish().then(() => ({ done: true, value }) as IteratorReturnResult<undefined>),
    };
  }

  const iterable: RecordImport<T> = {
    summary,
    [Symbol.asyncIterator]() {
      if (started) throw new TypeError("An import can be iterated only once.");
      started = true;
      return run();
    },
    async collect() {
      const records: T[] = [];
      for await (const outcome of iterable) if (outcome.ok) records.push(outcome.record);
      return { records, summary: await summary };
    },
  };
  return iterable;
}
