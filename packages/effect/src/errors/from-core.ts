import { isGogglesError } from "@goggles/core";
import { BrokenCircuitError } from "./broken-circuit-error.js";
import { BulkheadRejectedError } from "./bulkhead-rejected-error.js";
import { LimiterInputError } from "./limiter-input-error.js";
import type { RateLimitedError } from "./rate-limited-error.js";
import { RetryBudgetExhaustedError } from "./retry-budget-exhausted-error.js";
import { TimeoutError } from "./timeout-error.js";

/** Every error a goggles policy or limiter fails an Effect with. Each has a `_tag` for `Effect.catchTag`. */
export type PolicyError =
  | BrokenCircuitError
  | TimeoutError
  | BulkheadRejectedError
  | RetryBudgetExhaustedError;

/** What a limiter Effect may fail with. */
export type LimiterError = RateLimitedError | LimiterInputError;

/** Every tagged error of this package. */
export type GogglesTaggedError = PolicyError | LimiterError;

type Fields = Record<string, unknown> & { code: string; message: string; cause?: unknown };

const num = (value: unknown, fallback = 0): number => (typeof value === "number" ? value : fallback);

/**
 * The tagged error for an error thrown by core (found by its cross-realm `code`, as core's `isXxxError`
 * guards do), or `undefined` when `error` is not one a policy or limiter throws. A tagged error is returned
 * as it is.
 *
 * @example
 * Effect.tryPromise({ try: (signal) => policy.execute(() => work(signal)), catch: (e) => fromCoreError(e) ?? e });
 */
export function fromCoreError(error: unknown): GogglesTaggedError | undefined {
  if (!isGogglesError(error)) return undefined;
  if ("_tag" in error) return error as unknown as GogglesTaggedError;
  const e = error as unknown as Fields;
  switch (e.code) {
    case "BROKEN_CIRCUIT":
      return new BrokenCircuitError({
        breaker: String(e.breaker),
        state: e.state as BrokenCircuitError["state"],
        retryAfterMs: num(e.retryAfterMs, Number.POSITIVE_INFINITY),
        message: e.message,
        cause: error,
      });
    case "TIMEOUT":
      return new TimeoutError({ timeoutMs: num(e.timeoutMs), message: e.message, cause: error });
    case "BULKHEAD_REJECTED":
      return new BulkheadRejectedError({
        reason: e.reason === "queue_timeout" ? "queue_timeout" : "full",
        active: num(e.active),
        queued: num(e.queued),
        message: e.message,
        cause: error,
      });
    case "RETRY_BUDGET_EXHAUSTED":
      return new RetryBudgetExhaustedError({ attempt: num(e.attempt), message: e.message, cause: e.cause });
    case "LIMITER_INPUT":
    case "COST_EXCEEDS_CAPACITY":
      return new LimiterInputError({ code: e.code, message: e.message, cause: error });
    default:
      return undefined;
  }
}
