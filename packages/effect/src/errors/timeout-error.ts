import { Data } from "effect";
import { GOGGLES_BRAND } from "./brand.js";

/**
 * A call outlived its `timeout(ms)`. The tagged twin of core's `TimeoutError` (which is `cause`); the wrapped
 * Effect was interrupted, so a signal it took from Effect aborted.
 *
 * @example
 * call.pipe(limit2s, Effect.catchTag("TimeoutError", (e) => Effect.fail(`gave up after ${e.timeoutMs} ms`)));
 */
export class TimeoutError extends Data.TaggedError("TimeoutError")<{
  readonly timeoutMs: number;
  readonly message: string;
  readonly cause?: unknown;
}> {
  readonly code = "TIMEOUT" as const;
  readonly [GOGGLES_BRAND] = true as const;
}
