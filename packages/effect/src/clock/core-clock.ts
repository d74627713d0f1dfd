import type { Clock as CoreClock } from "@goggles/core";
import { Clock, Context, Duration, Effect, Exit, Layer } from "effect";

/** The reason a sleep rejects with when its signal aborted without a reason of its own. */
function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted.", "AbortError");
}

/**
 * A core `Clock` that runs on an Effect `Clock` service: `now()` reads `currentTimeMillisUnsafe()` (no
 * fiber), `sleep(ms, signal)` runs the service's `sleep` in one fiber with the given services (so a
 * `TestClock` and its scheduler see it) and interrupts that fiber when the signal aborts. Under
 * `TestClock.layer()`, `TestClock.adjust` wakes core sleepers in order, letting promise callbacks run between
 * them, exactly as `FakeClock.advance` does.
 *
 * Prefer `coreClock` (an Effect) or `GogglesClock.layer`; this is the function under them.
 *
 * @example
 * const clock = yield* Effect.withFiber((fiber) => Effect.succeed(fromEffectClock(fiber.getRef(Clock.Clock), fiber.context)));
 */
export function fromEffectClock(clock: Clock.Clock, context: Context.Context<never>): CoreClock {
  const run = Effect.runForkWith(context);
  return {
    now: () => clock.currentTimeMillisUnsafe(),
    sleep(ms: number, signal?: AbortSignal): Promise<void> {
      if (signal?.aborted) return Promise.reject(abortReason(signal));
      return new Promise<void>((resolve, reject) => {
        const fiber = run(clock.sleep(Duration.millis(Math.max(0, ms))), signal ? { signal } : undefined);
        fiber.addObserver((exit) => {
          if (Exit.isSuccess(exit)) resolve();
          else reject(signal?.aborted ? abortReason(signal) : exit.cause);
        });
      });
    },
  };
}

/**
 * The core `Clock` of the running fiber: time from its Effect `Clock` service, sleeps run with its services.
 * Hand it to any core policy; under `TestClock.layer()`, `TestClock.adjust` drives that policy.
 *
 * @example
 * const program = Effect.gen(function* () {
 *   const clock = yield* coreClock;
 *   const limiter = createLimiter({ capacity: 10, refillPerSecond: 1, clock });
 * });
 */
export const coreClock: Effect.Effect<CoreClock> = Effect.withFiber((fiber) =>
  Effect.succeed(fromEffectClock(fiber.getRef(Clock.Clock), fiber.context)),
);

/**
 * The core `Clock` as a service, for layers that build core objects. `GogglesClock.layer` takes it from
 * the Effect `Clock` of the layer's construction (provide `TestClock.layer()` underneath in tests).
 *
 * @example
 * const LimiterLive = Layer.effect(MyLimiter, Effect.map(GogglesClock, (clock) => createLimiter({ capacity: 5, refillPerSecond: 1, clock })));
 * const MainLive = LimiterLive.pipe(Layer.provide(GogglesClock.layer));
 */
export class GogglesClock extends Context.Service<GogglesClock, CoreClock>()("@goggles/effect/GogglesClock") {
  /** A layer holding the core clock made from the Effect `Clock` in scope when the layer is built. */
  static readonly layer: Layer.Layer<GogglesClock> = Layer.effect(GogglesClock, coreClock);
}
