import { errorGuard, GogglesError } from "./goggles-error.js";

/**
 * A request costs more tokens than a bucket can ever hold, so it could never pass: it is refused outright
 * instead of overdrawing the bucket. The `rateLimit` guard answers it with a 413 problem.
 *
 * @example
 * try { await limiter.consume(key, 500); } catch (e) { if (isCostExceedsCapacityError(e)) e.capacity; }
 */
export class CostExceedsCapacityError extends GogglesError {
  /** The cost asked for. */
  readonly cost: number;
  /** The capacity of the smallest bucket. */
  readonly capacity: number;
  /** The name of the limit that can never admit the cost. */
  readonly policy: string;

  constructor(cost: number, capacity: number, policy: string) {
    super(
      "COST_EXCEEDS_CAPACITY",
      `A cost of ${cost} exceeds the capacity of limit "${policy}" (${capacity}): it could never be admitted.`,
    );
    this.cost = cost;
    this.capacity = capacity;
    this.policy = policy;
  }
}

/** Whether `value` is a `CostExceedsCapacityError` from any copy of goggles. @example if (isCostExceedsCapacityError(e)) … */
export const isCostExceedsCapacityError = errorGuard<CostExceedsCapacityError>("COST_EXCEEDS_CAPACITY");
