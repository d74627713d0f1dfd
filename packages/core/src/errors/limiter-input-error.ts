import { errorGuard, GogglesError } from "./goggles-error.js";

/**
 * A limiter was given something it cannot decide on: an empty or non-string key, a cost that is NaN,
 * negative or infinite, or limits that are not positive finite numbers. This is a programming error, so it
 * is thrown (or rejected) instead of being answered as a rate-limit decision.
 *
 * @example
 * await limiter.consume("", 1).catch((e) => isLimiterInputError(e)); // true: empty key
 */
export class LimiterInputError extends GogglesError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("LIMITER_INPUT", message, options);
  }
}

/** Whether `value` is a `LimiterInputError` from any copy of goggles. @example if (isLimiterInputError(e)) … */
export const isLimiterInputError = errorGuard<LimiterInputError>("LIMITER_INPUT");
