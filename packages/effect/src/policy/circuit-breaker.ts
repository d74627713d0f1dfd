import {
  type CircuitBreakerSnapshot,
  type CircuitState,
  type CircuitBreaker as CoreCircuitBreaker,
  type CircuitBreakerOptions as CoreCircuitBreakerOptions,
  circuitBreaker as coreCircuitBreaker,
} from "@goggles/core";
import { Context, Effect } from "effect";
import { coreClockOf } from "../clock/core-clock.js";
import type { BrokenCircuitError } from "../errors/broken-circuit-error.js";
import { BreakerStates } from "./breaker-states.js";
import { type Protection, protection } from "./protection.js";

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

/**
 * Makes a circuit breaker (core's state machine and strategies) whose time is the Effect `Clock` of the
 * fiber that makes it: under `TestClock.layer()`, `TestClock.adjust` moves it from open to half-open. Breakers
 * share state through the `BreakerStates` layer when one is provided (and `store` is not given).
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
      protection<BrokenCircuitError, never, Omit<CircuitBreaker, "policy">>(
        breaker,
        {
          name: breaker.name,
          state: Effect.sync(() => breaker.state),
          isolate: Effect.sync(() => breaker.isolate()),
          reset: Effect.sync(() => breaker.reset()),
          snapshot: Effect.sync(() => breaker.toJSON()),
        },
        // A breaker never waits, so it needs no signal: interruption reaches the attempt directly.
        { signal: false },
      ) as CircuitBreaker,
    );
  });
}
