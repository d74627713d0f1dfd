import { Data } from "effect";
import { GOGGLES_BRAND } from "./brand.js";

/**
 * A circuit breaker refused the call (open, half-open with every probe taken, or isolated). The tagged
 * twin of core's `BrokenCircuitError`: `retryAfterMs` says when a call may be admitted again (`Infinity`
 * while isolated); `cause` is core's error.
 *
 * @example
 * const answer = call.pipe(breaker, Effect.catchTag("BrokenCircuitError", (e) => Effect.succeed(`later: ${e.retryAfterMs} ms`)));
 */
export class BrokenCircuitError extends Data.TaggedError("BrokenCircuitError")<{
  readonly breaker: string;
  readonly state: "open" | "half-open" | "isolated";
  readonly retryAfterMs: number;
  readonly message: string;
  readonly cause?: unknown;
}> {
  readonly code = "BROKEN_CIRCUIT" as const;
  readonly [GOGGLES_BRAND] = true as const;
}
