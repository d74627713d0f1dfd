import { Data } from "effect";
import { GOGGLES_BRAND } from "./brand.js";

/**
 * A limiter was given a key or cost it cannot decide on (an empty or over-long key, a negative cost), or a
 * cost larger than a limit's capacity (`code: "COST_EXCEEDS_CAPACITY"`): the request can never pass.
 * Bad input, answer it with a 400 rather than a 500. The tagged twin of core's `LimiterInputError` and
 * `CostExceedsCapacityError` (`cause`).
 *
 * @example
 * limiter.take(key).pipe(Effect.catchTag("LimiterInputError", () => Effect.fail(badRequest())));
 */
export class LimiterInputError extends Data.TaggedError("LimiterInputError")<{
  readonly code: "LIMITER_INPUT" | "COST_EXCEEDS_CAPACITY";
  readonly message: string;
  readonly cause?: unknown;
}> {
  readonly [GOGGLES_BRAND] = true as const;
}
