import { Data } from "effect";
import { GOGGLES_BRAND } from "./brand.js";

/**
 * A failed attempt would have been retried, but the shared retry budget had none left. `cause` is the failure
 * that was not retried (your Effect's own error). The tagged twin of core's `RetryBudgetExhaustedError`.
 *
 * @example
 * call.pipe(retrying, Effect.catchTag("RetryBudgetExhaustedError", (e) => Effect.fail(e.cause)));
 */
export class RetryBudgetExhaustedError extends Data.TaggedError("RetryBudgetExhaustedError")<{
  readonly attempt: number;
  readonly message: string;
  readonly cause?: unknown;
}> {
  readonly code = "RETRY_BUDGET_EXHAUSTED" as const;
  readonly [GOGGLES_BRAND] = true as const;
}
