import type { LimitResult, PolicyResult } from "./limiter.js";

/**
 * Every limit's view of a decision, in the order the limits were given: `result.policies` for a limiter of
 * several limits, and the one view its top-level fields give for a limiter of one limit.
 *
 * @example
 * const result = await limiter.consume(key);
 * const violated = policyResults(result).filter((p) => !p.allowed).map((p) => p.name);
 */
export function policyResults(result: LimitResult): readonly PolicyResult[] {
  return (
    result.policies ?? [
      {
        name: result.policy,
        allowed: result.allowed,
        limit: result.limit,
        remaining: result.remaining,
        retryAfterMs: result.retryAfterMs,
        resetMs: result.resetMs,
      },
    ]
  );
}
