import { Data } from "effect";
import { GOGGLES_BRAND } from "./brand.js";

/**
 * A limiter refused the request (`take` fails with it; `consume` answers with the decision instead).
 * `retryAfterMs` says when the same request would pass, so a `retry` around `take` waits that long;
 * `policy` names the deciding limit. Never carries the key.
 *
 * @example
 * limiter.take(ip).pipe(Effect.catchTag("RateLimitedError", (e) => Effect.fail(tooManyRequests({ retryAfterMs: e.retryAfterMs }))));
 */
export class RateLimitedError extends Data.TaggedError("RateLimitedError")<{
  readonly policy: string;
  readonly limit: number;
  readonly remaining: number;
  readonly retryAfterMs: number;
  readonly resetMs: number;
  readonly message: string;
}> {
  readonly code = "RATE_LIMITED" as const;
  readonly [GOGGLES_BRAND] = true as const;
}
