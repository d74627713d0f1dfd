import { type Clock, scheduleOn, systemClock } from "../clock.js";
import { ProblemError } from "../errors/goggles-error.js";
import { badRequest, contentTooLarge, requestTimeout, unsupportedMediaType } from "../problem.js";

/** Read-only access to request headers; names are case-insensitive. Satisfied by the web `Headers`. */
export interface HeaderReader {
  get(name: string): string | null;
}

/** Limits applied while reading a body. */
export interface BodyLimits {
  /** The most bytes the body may have; a larger body is refused with 413 without reading it all. Default 1 MiB. */
  maxBytes?: number;
  /** How long the whole body may take to arrive; slower senders get 408. Default 30 000 ms. */
  readTimeoutMs?: number;
}

/**
 * The framework-neutral view of an incoming request that every guard sees. Adapters build it; guards never
 * see Express or Koa objects.
 *
 * @example
 * const bytes = await request.body({ maxBytes: 64 * 1024 }); // raw bytes, read once and cached
 */
export interface BoundaryRequest {
  /** The HTTP method, upper case. */
  readonly method: string;
  /** The absolute request URL as the server saw it. */
  readonly url: string;
  readonly headers: HeaderReader;
  /** The socket's peer address (no port), or `undefined` when the runtime does not expose it. */
  readonly remoteAddress: string | undefined;
  /** Aborts when the client goes away, where the runtime reports it. */
  readonly signal: AbortSignal | undefined;
  /**
   * The raw body bytes, read once and cached: every guard and the handler may ask again. Rejects with a
   * `ProblemError` (413, 408, 415 or 400) when a limit is broken; a smaller `maxBytes` than an earlier
   * call's is checked against the cached bytes.
   */
  body(limits?: BodyLimits): Promise<Uint8Array>;
  /**
   * The body as a stream of chunks, for guards that must not buffer (imports). The byte limit and read
   * timeout still apply. A body can be streamed once, and not after `body()` was called.
   */
  stream(limits?: BodyLimits): AsyncIterable<Uint8Array>;
  /** Whether the body has been (or is being) read. */
  readonly bodyUsed: boolean;
}

/** Anything a body can come from. Node's `IncomingMessage` is an `AsyncIterable<Uint8Array>`. */
export type BodySource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Uint8Array | string | null;

/** What `createBoundaryRequest` needs. */
export interface BoundaryRequestInit {
  method: string;
  url: string;
  headers: HeaderReader | Record<string, string | readonly string[] | undefined>;
  remoteAddress?: string | undefined;
  /** The body, or a function that produces it on first read (so unread bodies are never touched). */
  body?: BodySource | (() => BodySource);
  signal?: AbortSignal | undefined;
  /** Defaults for every read, overridable per call. */
  limits?: BodyLimits;
  clock?: Clock;
}

/** Default body limit: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Default time for a whole body to arrive: 30 s. */
export const DEFAULT_READ_TIMEOUT_MS = 30_000;

const encoder = /* @__PURE__ */ new TextEncoder();
/** The empty body, shared. @internal */
export const EMPTY_BODY = /* @__PURE__ */ new Uint8Array(0);
const EMPTY = EMPTY_BODY;

function headerReader(headers: BoundaryRequestInit["headers"]): HeaderReader {
  if (typeof (headers as HeaderReader).get === "function") return headers as HeaderReader;
  // Copied into a Map under lower-case names: any spelling is found, and names such as "constructor" or
  // "__proto__" cannot reach Object.prototype.
  const map = new Map<string, string>();
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    if (value === undefined || value === null) continue;
    const text = Array.isArray(value) ? value.map(String).join(", ") : String(value);
    const key = name.toLowerCase();
    const prior = map.get(key);
    map.set(key, prior === undefined ? text : `${prior}, ${text}`);
  }
  return {
    get: (name: string): string | null => map.get(name.toLowerCase()) ?? null,
  };
}

function refuse(problem: ReturnType<typeof badRequest>, reason: string): ProblemError {
  return new ProblemError(problem, { cause: reason });
}

/** Refuses a compressed body (415). @internal */
export function checkEncoding(headers: HeaderReader): void {
  const encoding = headers.get("content-encoding");
  if (encoding !== null && encoding.trim().toLowerCase() !== "identity" && encoding.trim() !== "") {
    throw refuse(
      unsupportedMediaType({
        detail: "Compressed request bodies are not accepted; send the body uncompressed.",
      }),
      "content_encoding",
    );
  }
}

/** Refuses a `Content-Length` that is not a number (400) or over `maxBytes` (413), before reading. @internal */
export function checkDeclaredLength(headers: HeaderReader, maxBytes: number): void {
  const declared = headers.get("content-length");
  if (declared === null) return;
  if (!/^\s*\d+\s*$/.test(declared)) {
    throw refuse(badRequest({ detail: "The Content-Length header is not a number." }), "content_length");
  }
  if (Number(declared) > maxBytes) throw tooLarge(maxBytes);
}

/** The 413 for a body over `maxBytes`. @internal */
export function tooLarge(maxBytes: number): ProblemError {
  return refuse(contentTooLarge({ detail: `The body exceeds the limit of ${maxBytes} bytes.` }), "too_large");
}

/** The 408 for a body that did not arrive within `timeoutMs`. @internal */
export function tooSlow(timeoutMs: number): ProblemError {
  return refuse(
    requestTimeout({ detail: `The body did not arrive within ${timeoutMs} ms.` }),
    "read_timeout",
  );
}

function iteratorOf(source: BodySource): AsyncIterator<Uint8Array> | Uint8Array {
  if (source === null) return EMPTY;
  if (typeof source === "string") return encoder.encode(source);
  if (ArrayBuffer.isView(source) || source instanceof ArrayBuffer) return toBytes(source);
  if (typeof (source as ReadableStream<Uint8Array>).getReader === "function") {
    const reader = (source as ReadableStream<Uint8Array>).getReader();
    return {
      next: () => reader.read() as Promise<IteratorResult<Uint8Array>>,
      return: async () => {
        await reader.cancel().catch(() => {});
        return { done: true, value: undefined };
      },
    };
  }
  return (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
}

/**
 * Streams `source` while enforcing the byte limit and the read deadline. Stops reading (and cancels the
 * source) as soon as a limit breaks, so an oversized upload is never buffered whole. @internal
 */
export async function* limitedChunks(
  source: BodySource,
  maxBytes: number,
  timeoutMs: number,
  clock: Clock,
): AsyncGenerator<Uint8Array> {
  const it = iteratorOf(source);
  if (it instanceof Uint8Array) {
    if (it.byteLength > maxBytes) throw tooLarge(maxBytes);
    if (it.byteLength > 0) yield it;
    return;
  }
  let cancelDeadline: () => void = () => {};
  const expired = new Promise<"expired">((resolve) => {
    cancelDeadline = scheduleOn(clock, timeoutMs, () => resolve("expired"));
  });
  let total = 0;
  let finished = false;
  try {
    for (;;) {
      const next = await Promise.race([it.next(), expired]);
      if (next === "expired") throw tooSlow(timeoutMs);
      if (next.done) {
        finished = true;
        return;
      }
      const chunk = toBytes(next.value);
      total += chunk.byteLength;
      if (total > maxBytes) throw tooLarge(maxBytes);
      yield chunk;
    }
  } finally {
    cancelDeadline();
    // Not awaited: a source stuck in a read (the slow sender we are giving up on) may never settle its
    // `return()`, and the refusal must not wait for it.
    if (!finished) {
      try {
        Promise.resolve(it.return?.(undefined)).catch(() => {});
      } catch {
        // A source whose return() throws is abandoned all the same.
      }
    }
  }
}

function toBytes(value: unknown): Uint8Array {
  if (typeof value === "string") return encoder.encode(value);
  if (value instanceof Uint8Array) return value;
  // Another realm's Uint8Array (or Node's Buffer from one), or any other view of bytes.
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new TypeError(`A request body chunk must be bytes or a string, got ${typeof value}.`);
}

/** Joins chunks into one array (the only chunk itself when there is one). @internal */
export function concatBytes(chunks: readonly Uint8Array[], total?: number): Uint8Array {
  if (total === undefined) {
    total = 0;
    for (const chunk of chunks) total += chunk.byteLength;
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/**
 * Builds a `BoundaryRequest` from plain parts. Adapters use it; so do tests.
 *
 * @example
 * const request = createBoundaryRequest({
 *   method: "POST", url: "https://api.example.com/hooks", headers: { "content-type": "application/json" },
 *   remoteAddress: "203.0.113.7", body: '{"ok":true}',
 * });
 */
export function createBoundaryRequest(init: BoundaryRequestInit): BoundaryRequest {
  const headers = headerReader(init.headers);
  const clock = init.clock ?? systemClock;
  const defaults = init.limits ?? {};
  let cached: Promise<Uint8Array> | undefined;
  let used = false;
  const takeSource = (): BodySource => {
    used = true;
    const body = init.body;
    return typeof body === "function" ? body() : (body ?? null);
  };
  const resolveLimits = (limits: BodyLimits | undefined) => ({
    maxBytes: limits?.maxBytes ?? defaults.maxBytes ?? DEFAULT_MAX_BODY_BYTES,
    timeoutMs: limits?.readTimeoutMs ?? defaults.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS,
  });

  return {
    method: init.method.toUpperCase(),
    url: init.url,
    headers,
    remoteAddress: init.remoteAddress,
    signal: init.signal,
    get bodyUsed() {
      return used;
    },
    body(limits?: BodyLimits): Promise<Uint8Array> {
      const { maxBytes, timeoutMs } = resolveLimits(limits);
      if (cached !== undefined) {
        return cached.then((bytes) => {
          if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes);
          return bytes;
        });
      }
      if (used) return Promise.reject(new TypeError("The request body was already consumed as a stream."));
      cached = (async () => {
        checkEncoding(headers);
        checkDeclaredLength(headers, maxBytes);
        const chunks: Uint8Array[] = [];
        let total = 0;
        for await (const chunk of limitedChunks(takeSource(), maxBytes, timeoutMs, clock)) {
          chunks.push(chunk);
          total += chunk.byteLength;
        }
        return total === 0 ? EMPTY : concatBytes(chunks, total);
      })();
      return cached;
    },
    stream(limits?: BodyLimits): AsyncIterable<Uint8Array> {
      if (used) throw new TypeError("The request body was already read; it can be streamed only once.");
      const { maxBytes, timeoutMs } = resolveLimits(limits);
      checkEncoding(headers);
      checkDeclaredLength(headers, maxBytes);
      return limitedChunks(takeSource(), maxBytes, timeoutMs, clock);
    },
  };
}

/** Options for `fromRequest`. */
export interface FromRequestOptions {
  /** The peer address; fetch handlers learn it from their runtime (`info.remoteAddr`, `server.requestIP`). */
  remoteAddress?: string | undefined;
  limits?: BodyLimits;
  clock?: Clock;
}

/**
 * Builds a `BoundaryRequest` from a web `Request`. The original request's body is consumed only if a guard
 * reads it.
 *
 * @example
 * const verdict = await protect(fromRequest(request, { remoteAddress: info.remoteAddr.hostname }));
 */
export function fromRequest(request: Request, options: FromRequestOptions = {}): BoundaryRequest {
  return createBoundaryRequest({
    method: request.method,
    url: request.url,
    headers: request.headers,
    remoteAddress: options.remoteAddress,
    signal: request.signal,
    body: () => request.body,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
}
