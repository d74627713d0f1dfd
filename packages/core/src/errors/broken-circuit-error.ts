import { errorGuard, GogglesError } from "./goggles-error.js";

/** The state a breaker was in when it refused a call. */
export type RejectingState = "open" | "half-open" | "isolated";

/**
 * Thrown when a circuit breaker refuses a call: it is open, its half-open probes are all taken, or it was
 * isolated by hand. `retryAfterMs` says when a call may be admitted again (`Infinity` while isolated);
 * `retry()` never retries before it.
 *
 * @example
 * try { await breaker.execute(() => fetch(url)); }
 * catch (e) { if (isBrokenCircuitError(e)) res.setHeader("Retry-After", Math.ceil(e.retryAfterMs / 1000)); }
 */
export class BrokenCircuitError extends GogglesError {
  /** Milliseconds until the breaker may admit a call again; `Infinity` while isolated. */
  readonly retryAfterMs: number;
  /** The breaker's state when it refused. */
  readonly state: RejectingState;
  /** The breaker's name (its registry key, if any). */
  readonly breaker: string;

  constructor(breaker: string, state: RejectingState, retryAfterMs: number, options?: { cause?: unknown }) {
    super(
      "BROKEN_CIRCUIT",
      state === "isolated"
        ? `Circuit "${breaker}" is isolated.`
        : `Circuit "${breaker}" is ${state}; retry after ${Math.ceil(retryAfterMs)} ms.`,
      options,
    );
    this.breaker = breaker;
    this.state = state;
    this.retryAfterMs = retryAfterMs;
  }
}

/** Whether `value` is a `BrokenCircuitError` from any copy of goggles. @example if (isBrokenCircuitError(e)) … */
export const isBrokenCircuitError = errorGuard<BrokenCircuitError>("BROKEN_CIRCUIT");
