import { isProblemError } from "../errors/goggles-error.js";
import type { Guard } from "../http/guard.js";
import { unsupportedMediaType } from "../problem.js";
import type { StandardSchemaV1 } from "../validate/standard-schema.js";
import { fail, pass } from "../verdict.js";
import {
  DEFAULT_IMPORT_LIMITS,
  type ImportedRecord,
  type ImportFormat,
  type ImportOptions,
  importRecords,
  type RecordImport,
} from "./import-records.js";

/**
 * Options for `upload`: those of `importRecords`, plus the guard's name and the read timeout.
 *
 * @example
 * upload({ format: "ndjson", name: "events", readTimeoutMs: 120_000, limits: { maxBytes: 50 * 1024 * 1024 } });
 */
export interface UploadOptions<
  Name extends string,
  F extends ImportFormat,
  S extends StandardSchemaV1 | undefined,
  A extends StandardSchemaV1 | undefined,
> extends Omit<ImportOptions<F, S, A>, "onEvent"> {
  /** Where the import lands on the context. Default `"upload"`. */
  name?: Name;
  /** How long the whole upload may take to arrive; slower senders get 408. Default 30 000 ms. */
  readTimeoutMs?: number;
}

const MEDIA_TYPES: Record<ImportFormat, readonly string[]> = {
  csv: ["text/csv", "application/csv", "text/plain"],
  ndjson: [
    "application/x-ndjson",
    "application/ndjson",
    "application/jsonl",
    "application/x-jsonlines",
    "text/plain",
  ],
};

/**
 * An inbound guard for a streamed CSV or NDJSON upload: checks the media type (415 otherwise), then hands
 * the handler a running import on the context — rows are read from the request body as the handler
 * iterates, never buffered whole. The body's byte limit and read timeout apply while streaming; a broken
 * limit ends the import with a fatal outcome (413, 408), which `summary.problem` also holds.
 *
 * @example
 * const protect = boundary().use(upload({ format: "csv", schema: Family, limits: { maxRows: 10_000 } }));
 * const verdict = await protect(request);
 * if (!verdict.ok) return problemResponse(verdict.problem);
 * for await (const row of verdict.value.upload) if (row.ok) await save(row.record);
 * const summary = await verdict.value.upload.summary;
 */
export function upload<
  F extends ImportFormat,
  S extends StandardSchemaV1 | undefined = undefined,
  A extends StandardSchemaV1 | undefined = undefined,
  const Name extends string = "upload",
>(options: UploadOptions<Name, F, S, A>): Guard<Name, RecordImport<ImportedRecord<F, S, A>>> {
  const name = (options.name ?? "upload") as Name;
  const accepted = MEDIA_TYPES[options.format];
  if (accepted === undefined) {
    throw new TypeError(
      `Unknown import format ${JSON.stringify(options.format)}; expected "csv" or "ndjson".`,
    );
  }
  const maxBytes = options.limits?.maxBytes ?? DEFAULT_IMPORT_LIMITS.maxBytes;
  return {
    name,
    check: ({ request, emit }) => {
      const contentType = request.headers.get("content-type");
      if (contentType !== null) {
        const essence = (contentType.split(";")[0] as string).trim().toLowerCase();
        if (!accepted.includes(essence)) {
          return fail(
            unsupportedMediaType({
              detail: `Expected ${accepted.slice(0, -1).join(" or ")}.`,
            }),
          );
        }
      }
      let body: AsyncIterable<Uint8Array>;
      try {
        body = request.stream({
          maxBytes,
          ...(options.readTimeoutMs !== undefined ? { readTimeoutMs: options.readTimeoutMs } : {}),
        });
      } catch (error) {
        // A declared Content-Length over the limit, a compressed body: refused before reading.
        if (isProblemError(error)) return fail(error.problem);
        throw error;
      }
      const { name: _name, readTimeoutMs: _timeout, ...importOptions } = options;
      return pass(importRecords(body, { ...importOptions, onEvent: emit } as ImportOptions<F, S, A>));
    },
  };
}
