interface HeaderBag {
  get(name: string): string | null | undefined;
}

const hasGet = (value: unknown): value is HeaderBag =>
  typeof value === "object" && value !== null && typeof (value as HeaderBag).get === "function";

/**
 * Parses an HTTP `Retry-After` value (delay-seconds or an HTTP date) into milliseconds from `now`;
 * `undefined` when it is absent or malformed. Never throws.
 *
 * @example
 * parseRetryAfter("120", Date.now()); // 120000
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (/^\d{1,10}$/.test(text)) return Number(text) * 1000;
  if (text.length > 64) return undefined;
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/**
 * The wait an error asks for before a retry, in ms: a numeric `retryAfterMs` property (as on
 * `BrokenCircuitError`, or any HTTP error of yours), else a `Retry-After` header on `error.headers` or
 * `error.response.headers`. `undefined` when the error says nothing.
 *
 * @example
 * class HttpError extends Error { constructor(readonly response: Response) { super(String(response.status)); } }
 * retryAfterOf(new HttpError(new Response(null, { status: 429, headers: { "retry-after": "2" } })), Date.now()); // 2000
 */
export function retryAfterOf(error: unknown, now: number): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const e = error as { retryAfterMs?: unknown; headers?: unknown; response?: { headers?: unknown } };
  if (typeof e.retryAfterMs === "number" && e.retryAfterMs >= 0) return e.retryAfterMs;
  const headers = hasGet(e.headers)
    ? e.headers
    : hasGet(e.response?.headers)
      ? e.response.headers
      : undefined;
  if (headers === undefined) return undefined;
  try {
    return parseRetryAfter(headers.get("retry-after"), now);
  } catch {
    return undefined;
  }
}
