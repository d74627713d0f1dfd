import {
  type Bulkhead as CoreBulkhead,
  type BulkheadOptions as CoreBulkheadOptions,
  type RetryBudgetOptions as CoreRetryBudgetOptions,
  type RetryOptions as CoreRetryOptions,
  TimeoutError as CoreTimeoutError,
  type TimeoutOptions as CoreTimeoutOptions,
  bulkhead as coreBulkhead,
  fallback as coreFallback,
  retry as coreRetry,
  retryBudget as coreRetryBudget,
  timeout as coreTimeout,
  wrap as coreWrap,
  type FallbackOptions,
  type Policy,
  type RetryBudget,
} from "@goggles/core";
import { Duration, Effect, Exit, Schedule } from "effect";
import { coreClockOf } from "../clock/core-clock.js";
import type { BulkheadRejectedError } from "../errors/bulkhead-rejected-error.js";
import { fromCoreError, type PolicyError } from "../errors/from-core.js";
import type { RetryBudgetExhaustedError } from "../errors/retry-budget-exhausted-error.js";
import type { TimeoutError } from "../errors/timeout-error.js";
import { fromPolicy, type PolicyCombinator } from "./from-policy.js";
import { isNative, nativeProtection, type Protection, protection } from "./protection.js";

/** Options of `timeout()`: core's, with time from the Effect `Clock`. */
export type TimeoutOptions = Omit<CoreTimeoutOptions, "clock">;
/** Options of `retry()`: core's, with time from the Effect `Clock`, and optionally an Effect `Schedule`. */
export type RetryOptions = Omit<CoreRetryOptions, "clock"> & {
  /**
   * Takes the delays from an Effect `Schedule` instead of `backoff` (e.g.
   * `Schedule.exponential("100 millis").pipe(Schedule.jittered)`); the schedule ending stops the retries.
   * It sees each failure as its input. Budget, `retryAfterMs` and `maxAttempts` still apply.
   */
  readonly schedule?: Schedule.Schedule<unknown, unknown>;
};

/**
 * Core's `backoff` and `shouldRetry` from a Schedule. Core's retry calls `shouldRetry` and then `backoff`
 * synchronously, one after the other, so the delay decided in the first is the one the second answers.
 */
function scheduleOptions(
  schedule: Schedule.Schedule<unknown, unknown>,
  now: () => number,
  shouldRetry: CoreRetryOptions["shouldRetry"],
): Pick<CoreRetryOptions, "backoff" | "shouldRetry"> {
  let decided = 0;
  const delayOf = (attempt: number, input: unknown): number | undefined =>
    Effect.runSync(
      Effect.gen(function* () {
        // Replays the schedule from its start: a retry's few steps cost little, and no state is shared between calls.
        const step = yield* Schedule.toStep(schedule);
        let delay: number | undefined;
        for (let i = 1; i <= attempt; i++) {
          const next = yield* Effect.exit(step(now(), input));
          if (Exit.isFailure(next)) return undefined;
          delay = Duration.toMillis(next.value[1]);
        }
        return delay;
      }),
    );
  return {
    shouldRetry(error, attempt) {
      if (shouldRetry !== undefined && !shouldRetry(error, attempt)) return false;
      const delay = delayOf(attempt, error);
      if (delay === undefined) return false;
      decided = delay;
      return true;
    },
    backoff: () => decided,
  };
}
/** Options of `retryBudget()`: core's, with time from the Effect `Clock`. */
export type RetryBudgetOptions = Omit<CoreRetryBudgetOptions, "clock">;
/** Options of `bulkhead()`: core's, with time from the Effect `Clock`. */
export type BulkheadOptions = Omit<CoreBulkheadOptions, "clock">;

/**
 * The timeout in Effect terms: Effect's own `timeoutOrElse` on the caller's `Clock` (so `TestClock.adjust`
 * drives it), failing with the tagged `TimeoutError`. The Effect is interrupted when the time is up; work
 * that took an `AbortSignal` from Effect (`Effect.tryPromise`, `fromAbortable`) sees it abort, and no signal
 * is made for work that did not ask for one.
 */
function timeoutCombinator(
  ms: number,
  onEvent: TimeoutOptions["onEvent"],
): PolicyCombinator<never, TimeoutError> {
  const duration = Duration.millis(ms);
  const expired = () =>
    Effect.suspend(() => {
      if (onEvent !== undefined) {
        try {
          onEvent({ type: "timeout", timeoutMs: ms });
        } catch {
          // An observer must never change the outcome, as in core.
        }
      }
      return Effect.fail(fromCoreError(new CoreTimeoutError(ms)) as TimeoutError);
    });
  return <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | TimeoutError, R> =>
    Effect.timeoutOrElse(self, { duration, orElse: expired });
}

/**
 * Limits each attempt to `ms` on the Effect `Clock`: the Effect is interrupted (an `AbortSignal` it took
 * from Effect aborts) and the call fails with `TimeoutError`.
 *
 * @example
 * const twoSeconds = yield* timeout(2_000);
 * const res = yield* fetchJson(url).pipe(twoSeconds, Effect.catchTag("TimeoutError", () => Effect.succeed(null)));
 */
export function timeout(ms: number, options: TimeoutOptions = {}): Effect.Effect<Protection<TimeoutError>> {
  return Effect.withFiber((fiber) =>
    Effect.succeed(
      nativeProtection<TimeoutError, never>(
        timeoutCombinator(ms, options.onEvent),
        // Checks `ms` as core does, and serves code outside Effect.
        coreTimeout(ms, { ...options, clock: coreClockOf(fiber) }),
      ),
    ),
  );
}

/**
 * Retries failed attempts with core's backoff on the Effect `Clock`, waiting at least what an error asks for
 * (`retryAfterMs`, as on `BrokenCircuitError` and `RateLimitedError`, or a `Retry-After` header). `shouldRetry`
 * sees your Effect's own error. With a `budget`, a retry the budget refuses fails with
 * `RetryBudgetExhaustedError`. Each attempt reads its number from `PolicyAttempt`.
 *
 * With `schedule`, the delays come from an Effect `Schedule` (and its end stops the retries).
 *
 * @example
 * const retrying = yield* retry({ maxAttempts: 4, schedule: Schedule.exponential("200 millis") });
 * const user = yield* fetchUser(id).pipe(retrying);
 */
export function retry(options: RetryOptions = {}): Effect.Effect<Protection<RetryBudgetExhaustedError>> {
  return Effect.withFiber((fiber) => {
    const clock = coreClockOf(fiber);
    const { schedule, ...core } = options;
    const fromSchedule =
      schedule === undefined ? {} : scheduleOptions(schedule, () => clock.now(), options.shouldRetry);
    return Effect.succeed(
      protection<RetryBudgetExhaustedError, never>(coreRetry({ ...core, ...fromSchedule, clock })),
    );
  });
}

/**
 * A retry budget on the Effect `Clock`: share it between the `retry()` policies calling one dependency.
 *
 * @example
 * const budget = yield* retryBudget({ ratio: 0.2 });
 * const retrying = yield* retry({ maxAttempts: 3, budget });
 */
export function retryBudget(options: RetryBudgetOptions = {}): Effect.Effect<RetryBudget> {
  return Effect.withFiber((fiber) =>
    Effect.succeed(coreRetryBudget({ ...options, clock: coreClockOf(fiber) })),
  );
}

/** A bulkhead as an Effect combinator; `active` and `queued` tell how busy it is. */
export interface Bulkhead extends Protection<BulkheadRejectedError> {
  readonly policy: CoreBulkhead;
  /** Calls running now. */
  readonly active: Effect.Effect<number>;
  /** Calls waiting now. */
  readonly queued: Effect.Effect<number>;
}

/**
 * Caps concurrent calls; calls beyond `limit` wait in a queue of `queue` places (an interrupted caller
 * leaves it), the rest fail with `BulkheadRejectedError`. `queueTimeoutMs` runs on the Effect `Clock`.
 *
 * @example
 * const pool = yield* bulkhead({ limit: 10, queue: 20 });
 * yield* Effect.forEach(ids, (id) => fetchUser(id).pipe(pool), { concurrency: "unbounded" });
 */
export function bulkhead(options: BulkheadOptions): Effect.Effect<Bulkhead> {
  return Effect.withFiber((fiber) => {
    const pool = coreBulkhead({ ...options, clock: coreClockOf(fiber) });
    return Effect.succeed(
      protection<BulkheadRejectedError, never, Omit<Bulkhead, "policy">>(pool, {
        active: Effect.sync(() => pool.active),
        queued: Effect.sync(() => pool.queued),
      }) as Bulkhead,
    );
  });
}

/**
 * Answers with a stand-in when the call fails, like core's `fallback` (a caller's interruption never gets
 * it). In a `wrap`, put it first so it covers the other policies' rejections; on its own, Effect's
 * `Effect.orElseSucceed` or `Effect.catch` say the same thing more directly.
 *
 * @example
 * const protect = yield* wrap(fallback(() => []), timeout(500));
 * const prices = yield* fetchPrices.pipe(protect);
 */
export function fallback<R>(
  valueOrFn: R | ((error: unknown) => R | PromiseLike<R>),
  options: FallbackOptions = {},
): Effect.Effect<Protection<never, Awaited<R>>> {
  return Effect.sync(() => protection<never, Awaited<R>>(coreFallback(valueOrFn, options)));
}

type ErrOf<P> = P extends Effect.Effect<Protection<infer Err, infer _X>> ? Err : never;
type ExtraOf<P> = P extends Effect.Effect<Protection<infer _Err, infer X>> ? X : never;

/**
 * The stack in as few bridges as possible: a protection written in Effect terms (`circuitBreaker`,
 * `timeout`) applies as it is; each run of neighbouring bridged ones (`retry`, `bulkhead`, `fallback`)
 * becomes one core `wrap` behind one `fromPolicy` bridge.
 */
function stackCombinator(
  made: ReadonlyArray<Protection<PolicyError, unknown>>,
): PolicyCombinator<unknown, PolicyError> {
  const layers: PolicyCombinator<unknown, PolicyError>[] = [];
  let run: Protection<PolicyError, unknown>[] = [];
  const flush = () => {
    if (run.length === 1) layers.push(run[0] as Protection<PolicyError, unknown>);
    else if (run.length > 1)
      layers.push(fromPolicy<unknown>(coreWrap(...run.map((p) => p.policy)) as Policy<unknown>));
    run = [];
  };
  for (const p of made) {
    if (!isNative(p)) {
      run.push(p);
      continue;
    }
    flush();
    layers.push(p);
  }
  flush();
  if (layers.length === 1) return layers[0] as PolicyCombinator<unknown, PolicyError>;
  return <A, E, R>(self: Effect.Effect<A, E, R>) => {
    let protectedEffect: Effect.Effect<unknown, unknown, R> = self;
    for (let i = layers.length - 1; i >= 0; i--) {
      protectedEffect = (layers[i] as PolicyCombinator<unknown, PolicyError>)(protectedEffect);
    }
    return protectedEffect as Effect.Effect<A, E | PolicyError, R>;
  };
}

/**
 * Composes made policies into one, the first given outermost (core's `wrap`). Policies written in Effect
 * terms (`circuitBreaker`, `timeout`) cost no fiber; neighbouring bridged ones (`retry`, `bulkhead`,
 * `fallback`) share one bridge fiber per attempt. `policy` is core's `wrap` of them all. The canonical
 * outbound order is `wrap(fallback, bulkhead, timeout(total), retry, circuitBreaker, timeout(perAttempt))`.
 *
 * @example
 * const protect = yield* wrap(
 *   bulkhead({ limit: 10 }),
 *   timeout(10_000),
 *   retry({ maxAttempts: 3 }),
 *   circuitBreaker({ name: "partner" }),
 *   timeout(2_000),
 * );
 * const res = yield* callPartner.pipe(protect);
 */
export function wrap<const P extends ReadonlyArray<Effect.Effect<Protection<PolicyError, unknown>>>>(
  ...policies: P
): Effect.Effect<Protection<ErrOf<P[number]>, ExtraOf<P[number]>>> {
  return Effect.map(
    Effect.all(policies as ReadonlyArray<Effect.Effect<Protection<PolicyError, unknown>>>),
    (made) =>
      nativeProtection<ErrOf<P[number]>, ExtraOf<P[number]>>(
        stackCombinator(made) as PolicyCombinator<ExtraOf<P[number]>, ErrOf<P[number]>>,
        coreWrap(...made.map((p) => p.policy)) as Policy<ExtraOf<P[number]>>,
      ),
  );
}
