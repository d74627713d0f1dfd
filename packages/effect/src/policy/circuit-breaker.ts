import {
  type BreakerPermit,
  type CircuitBreakerSnapshot,
  type CircuitState,
  type BrokenCircuitError as CoreBrokenCircuitError,
  type CircuitBreaker as CoreCircuitBreaker,
  type CircuitBreakerOptions as CoreCircuitBreakerOptions,
  circuitBreaker as coreCircuitBreaker,
  isBrokenCircuitError,
} from "@goggles/core";
import { Cause, Context, Effect, type Exit } from "effect";
import { coreClockOf } from "../clock/core-clock.js";
import type { BrokenCircuitError } from "../errors/broken-circuit-error.js";
import { fromCoreError } from "../errors/from-core.js";
import { BreakerStates } from "./breaker-states.js";
import type { PolicyCombinator } from "./from-policy.js";
import { nativeProtection, type Protection } from "./protection.js";

/** Options of `circuitBreaker()`: core's, with time from the Effect `Clock` and the store from `BreakerStates`. */
export type CircuitBreakerOptions = Omit<CoreCircuitBreakerOptions, "clock">;

/**
 * A circuit breaker as an Effect combinator: `effect.pipe(breaker)` fails with `BrokenCircuitError` while
 * it is open. Its state is read and changed through Effects.
 *
 * @example
 * const breaker = yield* circuitBreaker({ name: "payments", openFor: 5_000 });
 * const state = yield* breaker.state; // "closed" | "open" | "half-open" | "isolated"
 */
export interface CircuitBreaker extends Protection<BrokenCircuitError> {
  readonly policy: CoreCircuitBreaker;
  readonly name: string;
  /** The current state (a lazy transition may happen on reading, as in core). */
  readonly state: Effect.Effect<CircuitState>;
  /** Opens the breaker until `reset`: every call fails with `BrokenCircuitError` (`retryAfterMs: Infinity`). */
  readonly isolate: Effect.Effect<void>;
  /** Closes the breaker with empty counts. */
  readonly reset: Effect.Effect<void>;
  /** The state as JSON; pass it back as `initialState` to restore. */
  readonly snapshot: Effect.Effect<CircuitBreakerSnapshot>;
}

/** Waits for an admission the shared store answers later; a permit granted after interruption is released. */
function awaitAcquisition(
  pending: Promise<BreakerPermit | CoreBrokenCircuitError>,
): Effect.Effect<BreakerPermit | CoreBrokenCircuitError> {
  return Effect.callback((resume) => {
    let gone = false;
    // `tryAcquire` never rejects.
    void pending.then((acquired) => {
      if (!gone) resume(Effect.succeed(acquired));
      else if (!isBrokenCircuitError(acquired)) acquired.release();
    });
    return Effect.sync(() => {
      gone = true;
    });
  });
}

/**
 * Reports how the admitted Effect ended. Interruption is not an answer from the dependency: the caller (or
 * an outer timeout) gave up, so nothing is counted and a half-open probe slot is freed. A failure or a
 * defect is counted as core counts a thrown error (`isFailure` sees your `E`, or the defect).
 */
function report<A, E>(permit: BreakerPermit, exit: Exit.Exit<A, E>): undefined {
  if (exit._tag === "Success") permit.success(exit.value);
  else if (Cause.hasInterruptsOnly(exit.cause)) permit.release();
  else permit.failure(Cause.squash(exit.cause));
  return undefined;
}

/**
 * The breaker in Effect terms: a synchronous admission (`tryAcquire`), the Effect run inline in the
 * caller's fiber, and its `Exit` reported in an exit finalizer. No fiber, no promise, no `AbortSignal`.
 */
function breakerCombinator(breaker: CoreCircuitBreaker): PolicyCombinator<never, BrokenCircuitError> {
  const refuse = (error: CoreBrokenCircuitError) => Effect.fail(fromCoreError(error) as BrokenCircuitError);
  return <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | BrokenCircuitError, R> =>
    Effect.suspend(() => {
      // Admission happens inside the exit finalizer's scope, so an interruption can never slip between
      // taking a permit and the finalizer that reports it.
      let permit: BreakerPermit | undefined;
      const admitted = (
        acquired: BreakerPermit | CoreBrokenCircuitError,
      ): Effect.Effect<A, E | BrokenCircuitError, R> => {
        if (isBrokenCircuitError(acquired)) return refuse(acquired);
        permit = acquired;
        return self;
      };
      return Effect.onExitPrimitive(
        Effect.suspend((): Effect.Effect<A, E | BrokenCircuitError, R> => {
          const acquired = breaker.tryAcquire();
          return acquired instanceof Promise
            ? Effect.flatMap(awaitAcquisition(acquired), admitted)
            : admitted(acquired);
        }),
        (exit) => (permit === undefined ? undefined : report(permit, exit)),
      );
    });
}

/**
 * Makes a circuit breaker (core's state machine and strategies) whose time is the Effect `Clock` of the
 * fiber that makes it: under `TestClock.layer()`, `TestClock.adjust` moves it from open to half-open. Breakers
 * share state through the `BreakerStates` layer when one is provided (and `store` is not given).
 *
 * The protected Effect runs inline, in the caller's own fiber: the breaker adds a synchronous admission
 * check and an exit finalizer, no fiber and no `AbortSignal`. Its failures and defects count as failures
 * (`isFailure` sees your `E`); interrupting it counts nothing (a half-open probe's slot is freed).
 *
 * @example
 * const program = Effect.gen(function* () {
 *   const breaker = yield* circuitBreaker({ name: "partner", strategy: consecutive({ threshold: 3 }), openFor: 10_000 });
 *   return yield* callPartner.pipe(
 *     breaker,
 *     Effect.catchTag("BrokenCircuitError", (e) => Effect.succeed(`try again in ${e.retryAfterMs} ms`)),
 *   );
 * });
 */
export function circuitBreaker(options: CircuitBreakerOptions = {}): Effect.Effect<CircuitBreaker> {
  return Effect.withFiber((fiber) => {
    const shared = Context.getOrUndefined(fiber.context, BreakerStates);
    const breaker = coreCircuitBreaker({
      ...options,
      store: options.store ?? shared,
      clock: coreClockOf(fiber),
    });
    return Effect.succeed(
      nativeProtection<BrokenCircuitError, never, Omit<CircuitBreaker, "policy">>(
        breakerCombinator(breaker),
        breaker,
        {
          name: breaker.name,
          state: Effect.sync(() => breaker.state),
          isolate: Effect.sync(() => breaker.isolate()),
          reset: Effect.sync(() => breaker.reset()),
          snapshot: Effect.sync(() => breaker.toJSON()),
        },
      ) as CircuitBreaker,
    );
  });
}
