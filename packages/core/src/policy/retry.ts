import { type Clock, systemClock } from "../clock.js";
import { isBulkheadRejectedError } from "../errors/bulkhead-rejected-error.js";
import {
  isRetryBudgetExhaustedError,
  RetryBudgetExhaustedError,
} from "../errors/retry-budget-exhausted-error.js";
import { type EventHandler, emit } from "../events.js";
import { type Backoff, exponentialBackoff } from "./backoff.js";
import { type ExecuteOptions, type Policy, type PolicyFn, toContext } from "./policy.js";
import { retryAfterOf } from "./retry-after.js";
import type { RetryBudget } from "./retry-budget.js";

/** Options of `retry()`. */
export interface RetryOptions {
  /** Attempts in all, the first included (default 3). */
  readonly maxAttempts?: number;
  /** Delay before each retry (default `exponentialBackoff()`: 100 ms doubling, full jitter, 30 s cap). */
  readonly backoff?: Backoff;
  /**
   * Which failures to retry (default: every error except `BulkheadRejectedError` and
   * `RetryBudgetExhaustedError`). A caller's abort is never retried, whatever this says.
   */
  readonly shouldRetry?: (error: unknown, attempt: number) => boolean;
  /** Shared cap on retries as a share of calls; when empty the failure becomes `RetryBudgetExhaustedError`. */
  readonly budget?: RetryBudget;
  /**
   * An error asking to wait longer than this (its `retryAfterMs`, or a `Retry-After` header) is not retried
   * but thrown as is (default 60 000). An isolated breaker's `Infinity` is therefore never waited for.
   */
  readonly maxRetryAfterMs?: number;
  readonly clock?: Clock;
  readonly onEvent?: EventHandler;
}

const defaultShouldRetry = (error: unknown): boolean =>
  !isBulkheadRejectedError(error) && !isRetryBudgetExhaustedError(error);

/**
 * Retries failed attempts with backoff. The delay before a retry is the larger of the backoff and the wait
 * the error asks for (`retryAfterMs`, e.g. a `BrokenCircuitError`'s, or a `Retry-After` header), so an open
 * breaker is never hammered. Sleeps use the clock and the caller's signal: an abort stops at once, and an
 * attempt that fails after the caller aborted is not retried. Each attempt sees its number in `attempt`.
 *
 * @example
 * const policy = retry({ maxAttempts: 4, backoff: exponentialBackoff({ initialMs: 200 }), budget: retryBudget() });
 * const res = await policy.execute(({ signal, attempt }) => fetch(url, { signal }));
 */
export function retry(options: RetryOptions = {}): Policy {
  const maxAttempts = options.maxAttempts ?? 3;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`retry: maxAttempts must be a positive integer, got ${maxAttempts}`);
  }
  const backoff = options.backoff ?? exponentialBackoff();
  const shouldRetry = options.shouldRetry ?? defaultShouldRetry;
  const budget = options.budget;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const clock = options.clock ?? systemClock;
  const onEvent = options.onEvent;
  return {
    async execute<T>(fn: PolicyFn<T>, executeOptions?: ExecuteOptions): Promise<T> {
      const signal = toContext(executeOptions).signal;
      budget?.recordCall();
      let previousMs = 0;
      for (let attempt = 1; ; attempt++) {
        try {
          return await fn({ signal, attempt });
        } catch (error) {
          if (signal?.aborted || attempt >= maxAttempts || !shouldRetry(error, attempt)) throw error;
          const hint = retryAfterOf(error, clock.now());
          if (hint !== undefined && !(hint <= maxRetryAfterMs)) throw error;
          if (budget !== undefined && !budget.tryRetry()) {
            emit(onEvent, { type: "retry_budget_exhausted", attempt });
            throw new RetryBudgetExhaustedError(attempt, { cause: error });
          }
          const delayMs = Math.max(backoff(attempt, previousMs), hint ?? 0);
          previousMs = delayMs;
          emit(onEvent, {
            type: "retry",
            attempt,
            delayMs,
            errorName: error instanceof Error ? error.name : typeof error,
          });
          if (delayMs > 0) await clock.sleep(delayMs, signal);
          else if (signal?.aborted) throw error;
        }
      }
    },
  };
}
