import { errorGuard, GogglesError } from "./goggles-error.js";

/**
 * Thrown by `timeout(ms)` when a call outlives its time. It is also the `reason` of the `AbortSignal` the
 * call was given, so a `fetch` that was cancelled rejects with this same error.
 *
 * @example
 * try { await timeout(500).execute(({ signal }) => fetch(url, { signal })); }
 * catch (e) { if (isTimeoutError(e)) console.log(`gave up after ${e.timeoutMs} ms`); }
 */
export class TimeoutError extends GogglesError {
  /** The limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  constructor(timeoutMs: number, options?: { cause?: unknown }) {
    super("TIMEOUT", `The operation timed out after ${timeoutMs} ms.`, options);
    this.timeoutMs = timeoutMs;
  }
}

/** Whether `value` is a `TimeoutError` from any copy of goggles. @example if (isTimeoutError(e)) … */
export const isTimeoutError = errorGuard<TimeoutError>("TIMEOUT");
