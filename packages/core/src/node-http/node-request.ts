// The Node `IncomingMessage` → `BoundaryRequest` conversion, written once for every Node adapter (Express, Koa,
// plain node:http). It is typed structurally: core imports nothing from Node, so this subpath loads anywhere and
// the main entry stays web-only.

import { type Clock, scheduleOn, systemClock } from "../clock.js";
import { ProblemError } from "../errors/goggles-error.js";
import {
  type BodyLimits,
  type BodySource,
  type BoundaryRequest,
  checkDeclaredLength,
  checkEncoding,
  concatBytes,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_READ_TIMEOUT_MS,
  EMPTY_BODY,
  type HeaderReader,
  limitedChunks,
  tooLarge,
  tooSlow,
} from "../http/boundary-request.js";
import { badRequest } from "../problem.js";

/** Request headers as Node gives them: lower-case names, repeated ones as arrays. */
export type NodeHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The parts of Node's `http.IncomingMessage` the conversion reads; any `IncomingMessage` satisfies it.
 *
 * @example
 * const asNode: NodeIncomingMessage = req; // req: import("node:http").IncomingMessage
 */
export interface NodeIncomingMessage {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: NodeHeaders;
  readonly socket: { readonly remoteAddress?: string | undefined } | null;
  readonly complete: boolean;
  readonly readableEnded: boolean;
  readonly destroyed?: boolean;
  isPaused(): boolean;
  pause(): unknown;
  resume(): unknown;
  read(): unknown;
  // biome-ignore lint/suspicious/noExplicitAny: Node's listener signatures differ per event.
  on(event: string, listener: (...args: any[]) => void): unknown;
  // biome-ignore lint/suspicious/noExplicitAny: Node's listener signatures differ per event.
  off(event: string, listener: (...args: any[]) => void): unknown;
}

/** What the conversion needs besides the request. */
export interface NodeRequestInit {
  /** The path as the client sent it (routers rewrite `req.url` under a mount point: pass Express's `req.originalUrl`, Koa's `ctx.originalUrl`). */
  path?: string | undefined;
  /** Bytes an earlier body parser captured (Express's `express.raw()`), read instead of the spent stream. */
  captured?: Uint8Array | undefined;
  /** Builds the error thrown when a guard needs the body but an earlier parser consumed the stream. */
  consumed: () => Error;
  signal?: AbortSignal | undefined;
  limits?: BodyLimits | undefined;
  clock?: Clock | undefined;
}

let lastValidHost = "";

/** Whether a `Host` header is a well-formed authority, as the URL parser sees it (the last one is cached). */
function validHost(host: string): boolean {
  if (host === lastValidHost) return true;
  if (host === "" || /[\s/?#@\\]/.test(host)) return false;
  try {
    if (new URL(`http://${host}/`).host === "") return false;
  } catch {
    return false;
  }
  lastValidHost = host;
  return true;
}

/** The absolute URL the server saw: scheme of the socket, `Host` (when well-formed), the raw path. */
function absoluteUrl(req: NodeIncomingMessage, path: string): string {
  const scheme = (req.socket as { encrypted?: boolean } | null)?.encrypted === true ? "https" : "http";
  const host = req.headers.host;
  const authority = typeof host === "string" && validHost(host) ? host : "localhost";
  if (path.startsWith("/")) return `${scheme}://${authority}${path}`;
  try {
    return new URL(path).href; // absolute-form request target
  } catch {
    return `${scheme}://${authority}/`;
  }
}

/**
 * Reads Node's header object in place (no copy per request): names are already lower case, repeated
 * headers are joined with ", ", and only own entries count, so `constructor` or `__proto__` read nothing.
 */
class NodeHeaderReader implements HeaderReader {
  constructor(private readonly headers: NodeHeaders) {}

  get(name: string): string | null {
    const key = name.toLowerCase();
    const headers = this.headers;
    if (!Object.hasOwn(headers, key)) return null;
    const value = headers[key];
    if (value === undefined) return null;
    return typeof value === "string" ? value : value.join(", ");
  }
}

/** Whether something already read the stream (a body parser, or an earlier goggles middleware). */
export function streamConsumed(req: NodeIncomingMessage): boolean {
  const r = req as NodeIncomingMessage & { readableDidRead?: boolean; _body?: unknown };
  return r.readableEnded || r.readableDidRead === true || r._body === true;
}

/** Whether the request announces a body (`Content-Length` > 0 or `Transfer-Encoding`). */
export function hasBody(req: NodeIncomingMessage): boolean {
  const length = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

/** Bytes gathered before a chunk is handed on (and the stream paused until it is taken). */
const BATCH_BYTES = 64 * 1024;

/**
 * The body as chunks of up to ~64 KiB, straight from Node's events: a small body is one chunk after one
 * wait. When the reader stops early (a 413), listeners are removed and the stream paused, never destroyed,
 * so the socket lives on to carry the answer. A client that goes away mid-body is its fault: a 400.
 */
function chunksOf(req: NodeIncomingMessage): AsyncIterableIterator<Uint8Array> {
  let pending: Uint8Array[] = [];
  let size = 0;
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  let listening = false;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const onData = (chunk: Uint8Array) => {
    pending.push(chunk);
    size += chunk.byteLength;
    if (size >= BATCH_BYTES) {
      req.pause();
      notify();
    }
  };
  const onEnd = () => {
    ended = true;
    notify();
  };
  const onError = (error: unknown) => {
    failure ??= error;
    notify();
  };
  const onClose = () => {
    if (!ended) onError(new Error("The connection closed before the body was complete."));
  };
  const stop = () => {
    if (!listening) return;
    listening = false;
    req.off("data", onData);
    req.off("end", onEnd);
    req.off("error", onError);
    req.off("close", onClose);
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<Uint8Array>> {
      if (!listening && !ended && failure === undefined) {
        listening = true;
        req.on("data", onData);
        req.on("end", onEnd);
        req.on("error", onError);
        req.on("close", onClose);
      } else if (req.isPaused()) req.resume();
      while (!ended && failure === undefined && size < BATCH_BYTES) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
      if (pending.length > 0) {
        const value = pending.length === 1 ? (pending[0] as Uint8Array) : concatBytes(pending, size);
        pending = [];
        size = 0;
        return { done: false, value };
      }
      stop();
      if (failure !== undefined) {
        throw new ProblemError(badRequest({ detail: "The request body was not received completely." }), {
          cause: failure,
        });
      }
      return { done: true, value: undefined };
    },
    async return(): Promise<IteratorResult<Uint8Array>> {
      stop();
      req.pause();
      return { done: true, value: undefined };
    },
  };
}

/**
 * The whole body, when Node has already received all of it (`req.complete`: the usual case for small
 * bodies, which arrive with the headers). Taken from the stream's buffer at once, so the read needs no
 * deadline timer and no async iteration; the byte limit is still applied to the result.
 */
function buffered(req: NodeIncomingMessage): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (let chunk = req.read() as Uint8Array | null; chunk !== null; chunk = req.read() as Uint8Array | null) {
    chunks.push(chunk);
  }
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : concatBytes(chunks);
}

/** Removes the listeners a `WholeBodyRead` added. */
function unlisten(req: NodeIncomingMessage, read: WholeBodyRead): void {
  req.off("data", read.onData);
  req.off("end", read.onEnd);
  req.off("error", read.onError);
  req.off("close", read.onClose);
}

/**
 * One read of the rest of a body from Node's events into a single array: the byte limit is checked as each
 * chunk arrives (past it: listeners removed, stream paused, never destroyed, so the socket can carry the
 * 413), and the deadline is one timer. No async iteration: a promise, four listeners and one timer.
 */
class WholeBodyRead {
  private readonly chunks: Uint8Array[] = [];
  private total = 0;
  private settled = false;
  private readonly cancelDeadline: () => void;

  constructor(
    private readonly req: NodeIncomingMessage,
    private readonly maxBytes: number,
    private readonly timeoutMs: number,
    clock: Clock,
    private readonly resolve: (bytes: Uint8Array) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    this.cancelDeadline = scheduleOn(clock, timeoutMs, this.onDeadline);
    req.on("data", this.onData);
    req.on("end", this.onEnd);
    req.on("error", this.onError);
    req.on("close", this.onClose);
  }

  private finish(): boolean {
    if (this.settled) return false;
    this.settled = true;
    unlisten(this.req, this);
    this.cancelDeadline();
    return true;
  }

  /** Stops at a broken limit: the rest of the body stays unread, the connection alive. */
  private abandon(error: ProblemError): void {
    if (!this.finish()) return;
    this.req.pause();
    this.reject(error);
  }

  readonly onData = (chunk: Uint8Array): void => {
    this.total += chunk.byteLength;
    if (this.total > this.maxBytes) this.abandon(tooLarge(this.maxBytes));
    else this.chunks.push(chunk);
  };

  readonly onEnd = (): void => {
    if (!this.finish()) return;
    this.resolve(this.total === 0 ? EMPTY_BODY : concatBytes(this.chunks, this.total));
  };

  readonly onError = (error: unknown): void => {
    if (this.finish()) this.reject(incomplete(error));
  };

  readonly onClose = (): void => {
    this.onError(new Error("The connection closed before the body was complete."));
  };

  private readonly onDeadline = (): void => {
    this.abandon(tooSlow(this.timeoutMs));
  };
}

/** The 400 for a body the client did not finish sending. */
function incomplete(cause: unknown): ProblemError {
  return new ProblemError(badRequest({ detail: "The request body was not received completely." }), { cause });
}

/** The whole buffered body within `maxBytes`, or the 413. */
function takeBuffered(req: NodeIncomingMessage, maxBytes: number): Uint8Array {
  const bytes = buffered(req);
  if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes);
  return bytes.byteLength === 0 ? EMPTY_BODY : bytes;
}

const setImmediateOf = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;

/**
 * Reads the rest of `req` into one array, within `maxBytes` and `timeoutMs`. A guard usually asks while
 * Node is still parsing the packet that holds the body (promise jobs run between the headers and the
 * body): so the read first waits one turn of the event loop, after which a small body is complete and is
 * taken from the stream's buffer with no listener and no timer. Otherwise it streams in from the events.
 */
function readWhole(
  req: NodeIncomingMessage,
  maxBytes: number,
  timeoutMs: number,
  clock: Clock,
): Promise<Uint8Array> {
  return new Promise<Uint8Array>((resolve, reject) => {
    const start = () => {
      if (req.complete) {
        try {
          resolve(takeBuffered(req, maxBytes));
        } catch (error) {
          reject(error);
        }
      } else if (req.destroyed === true) {
        reject(incomplete(new Error("The connection closed before the body was complete.")));
      } else {
        new WholeBodyRead(req, maxBytes, timeoutMs, clock, resolve, reject);
      }
    };
    if (setImmediateOf === undefined) start();
    else setImmediateOf(start);
  });
}

/**
 * The `BoundaryRequest` of a Node request. Nothing is copied up front: headers are read by name from Node's
 * object, the URL is built on first use, and the body is touched only when a guard reads it — then once,
 * into a single array (or taken whole from the stream's buffer, or from the bytes a parser captured).
 */
class NodeBoundaryRequest implements BoundaryRequest {
  readonly method: string;
  readonly headers: HeaderReader;
  readonly remoteAddress: string | undefined;
  readonly signal: AbortSignal | undefined;
  private absolute: string | undefined;
  private cached: Promise<Uint8Array> | undefined;
  private used = false;

  constructor(
    private readonly req: NodeIncomingMessage,
    private readonly init: NodeRequestInit,
  ) {
    this.method = (req.method ?? "GET").toUpperCase();
    this.headers = new NodeHeaderReader(req.headers);
    this.remoteAddress = req.socket?.remoteAddress;
    this.signal = init.signal;
  }

  get url(): string {
    this.absolute ??= absoluteUrl(this.req, this.init.path ?? this.req.url ?? "/");
    return this.absolute;
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  private maxBytes(limits: BodyLimits | undefined): number {
    return limits?.maxBytes ?? this.init.limits?.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  }

  private timeoutMs(limits: BodyLimits | undefined): number {
    return limits?.readTimeoutMs ?? this.init.limits?.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
  }

  /** What the body comes from, checked once: captured bytes, the whole buffered body, or the live stream. */
  private source(): Uint8Array | undefined {
    this.used = true;
    const { req, init } = this;
    if (init.captured !== undefined) return init.captured;
    if (streamConsumed(req)) throw init.consumed();
    return req.complete ? buffered(req) : undefined;
  }

  body(limits?: BodyLimits): Promise<Uint8Array> {
    const maxBytes = this.maxBytes(limits);
    if (this.cached !== undefined) {
      return this.cached.then((bytes) => {
        if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes);
        return bytes;
      });
    }
    if (this.used) return Promise.reject(new TypeError("The request body was already consumed as a stream."));
    try {
      checkEncoding(this.headers);
      checkDeclaredLength(this.headers, maxBytes);
      const whole = this.source();
      if (whole === undefined) {
        this.cached = readWhole(this.req, maxBytes, this.timeoutMs(limits), this.init.clock ?? systemClock);
      } else if (whole.byteLength > maxBytes) {
        this.cached = Promise.reject(tooLarge(maxBytes));
      } else {
        this.cached = Promise.resolve(whole.byteLength === 0 ? EMPTY_BODY : whole);
      }
    } catch (error) {
      this.cached = Promise.reject(error);
    }
    return this.cached;
  }

  stream(limits?: BodyLimits): AsyncIterable<Uint8Array> {
    if (this.used) throw new TypeError("The request body was already read; it can be streamed only once.");
    const maxBytes = this.maxBytes(limits);
    checkEncoding(this.headers);
    checkDeclaredLength(this.headers, maxBytes);
    const source: BodySource = this.source() ?? chunksOf(this.req);
    return limitedChunks(source, maxBytes, this.timeoutMs(limits), this.init.clock ?? systemClock);
  }
}

/**
 * Builds the `BoundaryRequest` for a Node request. The body is touched only when a guard reads it.
 *
 * @example
 * const request = fromNodeRequest(req, { consumed: () => new Error("body already read") });
 */
export function fromNodeRequest(req: NodeIncomingMessage, init: NodeRequestInit): BoundaryRequest {
  return new NodeBoundaryRequest(req, init);
}
