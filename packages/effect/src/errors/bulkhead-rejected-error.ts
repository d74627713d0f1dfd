import { Data } from "effect";
import { GOGGLES_BRAND } from "./brand.js";

/**
 * A bulkhead refused the call: every slot and queue place taken (`reason: "full"`), or it waited longer than
 * `queueTimeoutMs` (`"queue_timeout"`). The tagged twin of core's `BulkheadRejectedError`.
 *
 * @example
 * call.pipe(pool, Effect.catchTag("BulkheadRejectedError", () => Effect.succeed("busy")));
 */
export class BulkheadRejectedError extends Data.TaggedError("BulkheadRejectedError")<{
  readonly reason: "full" | "queue_timeout";
  readonly active: number;
  readonly queued: number;
  readonly message: string;
  readonly cause?: unknown;
}> {
  readonly code = "BULKHEAD_REJECTED" as const;
  readonly [GOGGLES_BRAND] = true as const;
}
