// The Node `IncomingMessage` → `BoundaryRequest` conversion, written once for every Node adapter (Express, Koa,
// plain node:http). It is typed structurally: core imports nothing from Node, so this subpath loads anywhere and
// the main entry stays web-only.

import type { Clock } from "../clock.js";
import { ProblemError } from "../errors/goggles-error.js";
import {
  type BodyLimits,
  type BodySource,
  type BoundaryRequest,
  concatBytes,
  createBoundaryRequest,
  type HeaderReader,
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
function nodeHeaders(headers: NodeHeaders): HeaderReader {
  return {
    get(name: string): string | null {
      const key = name.toLowerCase();
      if (!Object.hasOwn(headers, key)) return null;
      const value = headers[key];
      if (value === undefined) return null;
      return typeof value === "string" ? value : value.join(", ");
    },
  };
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

/**
 * Builds the `BoundaryRequest` for a Node request. The body is touched only when a guard reads it.
 *
 * @example
 * const request = fromNodeRequest(req, { consumed: () => new Error("body already read") });
 */
export function fromNodeRequest(req: NodeIncomingMessage, init: NodeRequestInit): BoundaryRequest {
  const body = (): BodySource => {
    if (init.captured !== undefined) return init.captured;
    if (streamConsumed(req)) throw init.consumed();
    return req.complete ? buffered(req) : chunksOf(req);
  };
  return createBoundaryRequest({
    method: req.method ?? "GET",
    url: absoluteUrl(req, init.path ?? req.url ?? "/"),
    headers: nodeHeaders(req.headers),
    remoteAddress: req.socket?.remoteAddress,
    signal: init.signal,
    body,
    ...(init.limits !== undefined ? { limits: init.limits } : {}),
    ...(init.clock !== undefined ? { clock: init.clock } : {}),
  });
}
