import {
  type Adapter,
  type CircuitBreakers,
  type CircuitBreakersOptions,
  type Clock,
  circuitBreakers,
  type EventHandler,
  type ExecuteOptions,
  type Policy,
  type PolicyFn,
  type RetryOptions,
  retry,
  type StandardSchemaV1,
  systemClock,
  timeout,
  validate,
  wrap,
} from "@goggles/core";
import { type ResponseIssue, ResponseValidationError } from "../errors/response-validation-error.js";
import { limitedBody } from "./limited-body.js";
import { UpstreamStatusError } from "./upstream-status-error.js";

/** Retry settings for `protectedFetch`: core's `retry()` options plus which calls may be retried. */
export interface ProtectedRetryOptions extends Omit<RetryOptions, "clock" | "onEvent"> {
  /**
   * Also retry methods that are not idempotent (POST, PATCH). Default false: only GET, HEAD, OPTIONS, TRACE,
   * PUT and DELETE are retried, and POST/PATCH when an `Idempotency-Key` is sent.
   */
  retryNonIdempotent?: boolean;
  /** Statuses retried (besides network errors and timeouts). Default 408, 429, 500, 502, 503, 504. */
  retryOn?: readonly number[];
}

/** The policies every call goes through, outermost first: total timeout → retry → per-host breaker → attempt timeout. */
export interface ProtectedFetchPolicies {
  /** Per attempt, until the response headers arrive; the attempt's request is aborted. Default 10 000; `false` for none. */
  timeoutMs?: number | false;
  /** For the whole call, retries and their waits included. Default none. */
  totalTimeoutMs?: number;
  /** Retries (default `{ maxAttempts: 3 }` with exponential backoff); `false` for none. */
  retry?: ProtectedRetryOptions | false;
  /**
   * Circuit breakers, one per host by default: a registry you share, or options for the registry made here.
   * 5xx, 408, timeouts and network errors count as failures; other 4xx do not. `false` for none.
   */
  breakers?: CircuitBreakers | CircuitBreakersOptions | false;
  /** Which breaker a call uses. Default: the URL's host (`api.example.com:8443`). */
  breakerKey?: (url: URL) => string;
  /** Extra policies around everything (a `bulkhead()`, a `fallback()`), first outermost. */
  outer?: readonly Policy<never>[];
}

/** Options for `protectedFetch`. */
export interface ProtectedFetchOptions {
  policies?: ProtectedFetchPolicies;
  /** Relative URLs resolve against it (`baseUrl: "https://api.partner.com/v2/"`, then `api("orders")`). */
  baseUrl?: string | URL;
  /** The `fetch` underneath. Default: the global `fetch`, looked up at call time. */
  fetch?: (input: Request | string | URL, init?: RequestInit) => Promise<Response>;
  /** The most bytes of a response body that will be read; more errors with `ResponseTooLargeError`. Default 10 MiB. */
  maxResponseBytes?: number;
  /**
   * Send an `Idempotency-Key` header (the same on every attempt) on POST and PATCH calls that have none, and
   * retry them: `true` for a random UUID, or a function making the key. Default false.
   */
  idempotencyKey?: boolean | (() => string);
  clock?: Clock;
  /** Receives the policies' events (`retry`, `timeout`, `breaker_opened`, …). */
  onEvent?: EventHandler;
}

/**
 * A validator for `.json()`: any Standard Schema v1 (Zod, Valibot, ArkType, Effect through
 * `toStandardSchemaV1`), or an `Adapter` from `defineAdapter` (validated, then transformed).
 */
export type ResponseSchema<T> = StandardSchemaV1<unknown, T> | Adapter<T>;

function isAdapter<T>(schema: ResponseSchema<T>): schema is Adapter<T> {
  return typeof (schema as Adapter<T>).parse === "function";
}

/** The `Response` `protectedFetch` resolves with: its body capped, and `.json(schema)` validating. */
export interface ProtectedResponse extends Response {
  /** Parses the body; with a schema, validates it and rejects with `ResponseValidationError` (issues only). */
  json<T = unknown>(schema?: ResponseSchema<T>): Promise<T>;
}

/** A `fetch`-compatible function whose calls go through the policies. */
export type ProtectedFetch = (
  input: Request | string | URL,
  init?: RequestInit,
) => Promise<ProtectedResponse>;

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]);
const DEFAULT_RETRY_ON: readonly number[] = [408, 429, 500, 502, 503, 504];
const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

function isCircuitBreakers(value: unknown): value is CircuitBreakers {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as CircuitBreakers).execute === "function" &&
    typeof (value as CircuitBreakers).get === "function"
  );
}

/** Whether `body` can be sent again for a retry (a stream or a body held by a `Request` cannot). */
function replayable(body: RequestInit["body"]): boolean {
  if (body === undefined || body === null) return true;
  if (typeof body === "string" || body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return true;
  if (typeof Blob !== "undefined" && body instanceof Blob) return true;
  if (typeof URLSearchParams !== "undefined" && body instanceof URLSearchParams) return true;
  if (typeof FormData !== "undefined" && body instanceof FormData) return true;
  return false;
}

function withoutQuery(url: string): string {
  const q = url.search(/[?#]/);
  return q === -1 ? url : url.slice(0, q);
}

/** The final response, with a capped body and a validating `.json()`. */
function protect(response: Response, maxBytes: number, onEvent: EventHandler | undefined): ProtectedResponse {
  const capped =
    response.body === null
      ? response
      : new Response(limitedBody(response.body, maxBytes, response.headers.get("content-length")), {
          status: response.status,
          statusText: response.statusText,
          headers: response.headers,
        });
  const url = response.url;
  if (capped !== response) {
    Object.defineProperty(capped, "url", { value: url });
    Object.defineProperty(capped, "redirected", { value: response.redirected });
  }
  const text = capped.text.bind(capped);
  Object.defineProperty(capped, "json", {
    value: async <T>(schema?: ResponseSchema<T>): Promise<T> => {
      const body = await text();
      let data: unknown;
      try {
        data = JSON.parse(body);
      } catch {
        // The parser's message quotes the body: never let it out.
        throw new ResponseValidationError({
          issues: [{ path: "", message: "The response body is not valid JSON." }],
          status: capped.status,
          url: withoutQuery(url),
        });
      }
      if (schema === undefined) return data as T;
      const options = { source: "response", ...(onEvent ? { onEvent } : {}) };
      // An adapter (defineAdapter) validates then transforms; any other Standard Schema just validates.
      const verdict = isAdapter<T>(schema)
        ? await schema.parse(data, options)
        : await validate(schema, data, options);
      if (verdict.ok) return verdict.value;
      const listed = verdict.problem.extensions?.issues as ResponseIssue[] | undefined;
      const issues = listed ?? [{ path: "", message: verdict.problem.detail ?? verdict.problem.title }];
      throw new ResponseValidationError({ issues, status: capped.status, url: withoutQuery(url) });
    },
  });
  return capped as ProtectedResponse;
}

/**
 * A `fetch` that protects the caller from the service it calls. Each call runs through, outermost first,
 * the `outer` policies, a total timeout, `retry()` (idempotent methods only unless told otherwise; waits out
 * `Retry-After` in seconds or as an HTTP date, capped by `maxRetryAfterMs`), a circuit breaker per host
 * (5xx, 408, timeouts and network errors are failures, other 4xx are not), and a per-attempt timeout that
 * really aborts the request. When the retries run out on an error status, that response is returned, as
 * `fetch` would. A body given as a stream (or inside a `Request`) is sent once and never retried. Response
 * bodies are capped (`maxResponseBytes`), and `.json(schema)` validates before your code sees the data.
 *
 * @example
 * const partner = protectedFetch({
 *   baseUrl: "https://api.partner.com/v2/",
 *   policies: { timeoutMs: 2_000, retry: { maxAttempts: 3, budget: retryBudget() }, breakers: { breaker: { openFor: 5_000 } } },
 *   idempotencyKey: true,
 * });
 * const order = await (await partner("orders/42")).json(Order); // typed, or ResponseValidationError
 */
export function protectedFetch(options: ProtectedFetchOptions = {}): ProtectedFetch {
  const policies = options.policies ?? {};
  const clock = options.clock ?? systemClock;
  const onEvent = options.onEvent;
  const shared = onEvent === undefined ? { clock } : { clock, onEvent };
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const baseUrl = options.baseUrl;
  const retrySettings = policies.retry === false ? undefined : (policies.retry ?? {});
  const retryOn = new Set(retrySettings?.retryOn ?? DEFAULT_RETRY_ON);
  const attemptTimeout =
    policies.timeoutMs === false ? undefined : timeout(policies.timeoutMs ?? 10_000, shared);
  const totalTimeout =
    policies.totalTimeoutMs === undefined ? undefined : timeout(policies.totalTimeoutMs, shared);
  const breakers =
    policies.breakers === false
      ? undefined
      : isCircuitBreakers(policies.breakers)
        ? policies.breakers
        : circuitBreakers({
            clock,
            ...policies.breakers,
            breaker: (key) => {
              const given = policies.breakers as CircuitBreakersOptions | undefined;
              const base = typeof given?.breaker === "function" ? given.breaker(key) : given?.breaker;
              return { ...(onEvent ? { onEvent } : {}), clock, ...base };
            },
          });
  const breakerKey = policies.breakerKey ?? ((url: URL) => url.host);
  const makeKey =
    options.idempotencyKey === true
      ? () => crypto.randomUUID()
      : typeof options.idempotencyKey === "function"
        ? options.idempotencyKey
        : undefined;

  return async (input, init = {}) => {
    const fetchImpl = options.fetch ?? globalThis.fetch;
    const isRequest = typeof Request !== "undefined" && input instanceof Request;
    const url = new URL(isRequest ? (input as Request).url : String(input), baseUrl);
    const method = (init.method ?? (isRequest ? (input as Request).method : "GET")).toUpperCase();
    const headers = new Headers(isRequest ? (input as Request).headers : undefined);
    if (init.headers !== undefined) {
      for (const [name, value] of new Headers(init.headers)) headers.set(name, value);
    }
    if (
      makeKey !== undefined &&
      (method === "POST" || method === "PATCH") &&
      !headers.has("idempotency-key")
    ) {
      headers.set("idempotency-key", makeKey());
    }
    const oneShot = isRequest
      ? (input as Request).body !== null && init.body === undefined
      : !replayable(init.body);
    const mayRetry =
      retrySettings !== undefined &&
      !oneShot &&
      (IDEMPOTENT.has(method) || retrySettings.retryNonIdempotent === true || headers.has("idempotency-key"));

    // Each retried error response is replaced by the next: release its connection.
    let lastStatusError: UpstreamStatusError | undefined;
    const statusError = (response: Response): UpstreamStatusError => {
      lastStatusError?.response.body?.cancel().catch(() => {});
      lastStatusError = new UpstreamStatusError(response);
      return lastStatusError;
    };

    const attempt: PolicyFn<Response> = async ({ signal }) => {
      const request = isRequest && init.body === undefined ? (input as Request) : undefined;
      const response = await fetchImpl(request ?? url, {
        ...init,
        method,
        headers,
        ...(request === undefined ? { body: init.body ?? null } : {}),
        signal: signal ?? null,
      });
      // 5xx and 408 are the upstream failing: the breaker counts them. Other 4xx are the caller's.
      if (response.status >= 500 || response.status === 408) throw statusError(response);
      return response;
    };

    const layers: Policy<never>[] = [...(policies.outer ?? [])];
    if (totalTimeout !== undefined) layers.push(totalTimeout);
    if (mayRetry) {
      const {
        retryNonIdempotent: _n,
        retryOn: _o,
        shouldRetry,
        ...rest
      } = retrySettings as ProtectedRetryOptions;
      layers.push(
        retry({
          ...rest,
          ...shared,
          shouldRetry: (error, n) => {
            if (error instanceof UpstreamStatusError && !retryOn.has(error.status)) return false;
            return shouldRetry === undefined ? true : shouldRetry(error, n);
          },
        }),
      );
      // 429 is retried (with its Retry-After) but is no failure of the upstream: decided outside the breaker.
      layers.push({
        async execute<T>(fn: PolicyFn<T>, context?: ExecuteOptions): Promise<T> {
          const result = await fn({ signal: context?.signal, attempt: context?.attempt ?? 0 });
          if ((result as Response).status === 429 && retryOn.has(429)) throw statusError(result as Response);
          return result;
        },
      });
    }
    if (breakers !== undefined) {
      const key = breakerKey(url);
      layers.push({ execute: (fn, context) => breakers.execute(key, fn, context) });
    }
    if (attemptTimeout !== undefined) layers.push(attemptTimeout);

    let response: Response;
    try {
      response = await wrap(...layers).execute(attempt, { signal: init.signal ?? undefined });
    } catch (error) {
      if (!(error instanceof UpstreamStatusError)) {
        lastStatusError?.response.body?.cancel().catch(() => {});
        throw error;
      }
      response = error.response; // retries ran out (or were not allowed): answer as fetch would
    }
    if (lastStatusError !== undefined && lastStatusError.response !== response) {
      lastStatusError.response.body?.cancel().catch(() => {});
    }
    return protect(response, maxBytes, onEvent);
  };
}
