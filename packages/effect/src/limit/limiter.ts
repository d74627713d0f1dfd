import {
  type Limiter as CoreLimiter,
  type LimiterOptions as CoreLimiterOptions,
  createLimiter,
  type LimitResult,
  MemoryStore,
  type MultiLimiterOptions,
  type SingleLimiterOptions,
} from "@goggles/core";
import { Context, Effect } from "effect";
import { coreClockOf } from "../clock/core-clock.js";
import { fromCoreError } from "../errors/from-core.js";
import type { LimiterInputError } from "../errors/limiter-input-error.js";
import { RateLimitedError } from "../errors/rate-limited-error.js";
import { LimiterStores } from "./limiter-stores.js";

/**
 * Options of `limiter()`: core's `createLimiter` options, with time from the Effect `Clock`. Without a
 * `store`, the store comes from the `LimiterStores` layer (`make(storeName)`), else a new `MemoryStore`.
 */
export type LimiterOptions = (Omit<SingleLimiterOptions, "clock"> | Omit<MultiLimiterOptions, "clock">) & {
  /** The name this limiter's store is made under (default: the limit's name, or the limits' names joined). */
  readonly storeName?: string;
};

/** A token-bucket limiter whose decisions are Effects. */
export interface Limiter {
  /** The core limiter underneath. */
  readonly limiter: CoreLimiter;
  /**
   * Charges `cost` tokens (default 1) to `key` and answers with the decision, allowed or not (the result
   * carries what `RateLimit` headers need). Fails only on bad input (`LimiterInputError`).
   */
  consume(key: string, cost?: number): Effect.Effect<LimitResult, LimiterInputError>;
  /** Like `consume`, but a refusal fails with `RateLimitedError` (its `retryAfterMs` guides a `retry`). */
  take(key: string, cost?: number): Effect.Effect<LimitResult, RateLimitedError | LimiterInputError>;
  /** Gives `cost` tokens back to `key` (never above capacity). */
  refund(key: string, cost?: number): Effect.Effect<void, LimiterInputError>;
  /** Forgets `key`: its buckets are full again. */
  reset(key: string): Effect.Effect<void, LimiterInputError>;
}

/** A core error as this package's: bad input fails with the tagged `LimiterInputError`, anything else is a defect. */
const inputError = (error: unknown): Effect.Effect<never, LimiterInputError> => {
  const tagged = fromCoreError(error);
  return tagged?._tag === "LimiterInputError" ? Effect.fail(tagged) : Effect.die(error);
};

const fromPromise = <A>(f: () => Promise<A>): Effect.Effect<A, LimiterInputError> =>
  Effect.callback<A, LimiterInputError>((resume) => {
    f().then(
      (value) => resume(Effect.succeed(value)),
      (error: unknown) => resume(inputError(error)),
    );
  });

/**
 * A decision as an Effect: answered in the fiber when the store decides synchronously (`MemoryStore`, through
 * core's `consumeNow`: no promise, no callback), else bridged from core's promise once.
 */
const decide = (
  core: CoreLimiter,
  key: string,
  cost: number | undefined,
): Effect.Effect<LimitResult, LimiterInputError> =>
  Effect.suspend(() => {
    let now: LimitResult | undefined;
    try {
      now = core.consumeNow(key, cost);
    } catch (error) {
      return inputError(error);
    }
    return now !== undefined ? Effect.succeed(now) : fromPromise(() => core.consume(key, cost));
  });

const refused = (result: LimitResult): RateLimitedError =>
  new RateLimitedError({
    policy: result.policy,
    limit: result.limit,
    remaining: result.remaining,
    retryAfterMs: result.retryAfterMs,
    resetMs: result.resetMs,
    message: `Rate limit "${result.policy}" exceeded; retry after ${Math.ceil(result.retryAfterMs)} ms.`,
  });

function storeNameOf(options: LimiterOptions): string {
  if (options.storeName !== undefined) return options.storeName;
  if ("limits" in options && options.limits !== undefined) return Object.keys(options.limits).join("+");
  return (options as SingleLimiterOptions).name ?? "default";
}

/**
 * Makes a token-bucket limiter (core's arithmetic and stores) whose refill runs on the Effect `Clock` of
 * the fiber that makes it: under `TestClock.layer()`, `TestClock.adjust` refills it. The store comes from
 * `store`, else from the `LimiterStores` layer, else a new bounded `MemoryStore`.
 *
 * @example
 * const program = Effect.gen(function* () {
 *   const limiter = yield* Goggles.limiter({ capacity: 10, refillPerSecond: 1 });
 *   const result = yield* limiter.consume("203.0.113.7");
 *   if (!result.allowed) return `retry in ${result.retryAfterMs} ms`;
 *   yield* limiter.take("203.0.113.7").pipe(Effect.catchTag("RateLimitedError", (e) => Effect.log(e.retryAfterMs)));
 * });
 */
export function limiter(options: LimiterOptions): Effect.Effect<Limiter, LimiterInputError> {
  return Effect.withFiber((fiber) => {
    const stores = Context.getOrUndefined(fiber.context, LimiterStores);
    let core: CoreLimiter;
    try {
      const store = options.store ?? stores?.make(storeNameOf(options)) ?? new MemoryStore();
      core = createLimiter({ ...options, store, clock: coreClockOf(fiber) } as CoreLimiterOptions);
    } catch (error) {
      return inputError(error);
    }
    const made: Limiter = {
      limiter: core,
      consume: (key, cost) => decide(core, key, cost),
      take: (key, cost) =>
        Effect.flatMap(decide(core, key, cost), (result) =>
          result.allowed ? Effect.succeed(result) : Effect.fail(refused(result)),
        ),
      refund: (key, cost) => fromPromise(() => core.refund(key, cost)),
      reset: (key) => fromPromise(() => core.reset(key)),
    };
    return Effect.succeed(made);
  });
}
