import { errorGuard, GogglesError } from "./goggles-error.js";

/**
 * Thrown by `retry()` when its `retryBudget` has no retry left: the call failed and would have been retried,
 * but retries already make up too large a share of recent calls. `cause` is the failure that was not retried.
 *
 * @example
 * try { await policy.execute(call); } catch (e) { if (isRetryBudgetExhaustedError(e)) log(e.cause); }
 */
export class RetryBudgetExhaustedError extends GogglesError {
  /** The attempt that failed and was not retried (1-based). */
  readonly attempt: number;

  constructor(attempt: number, options?: { cause?: unknown }) {
    super("RETRY_BUDGET_EXHAUSTED", `Retry budget exhausted after attempt ${attempt}.`, options);
    this.attempt = attempt;
  }
}

/** Whether `value` is a `RetryBudgetExhaustedError` from any copy of goggles. @example if (isRetryBudgetExhaustedError(e)) … */
export const isRetryBudgetExhaustedError = errorGuard<RetryBudgetExhaustedError>("RETRY_BUDGET_EXHAUSTED");
