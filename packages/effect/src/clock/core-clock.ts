import type { Clock as CoreClock } from "@goggles/core";
import { Cause, Clock, Context, Duration, Effect, Exit, Layer, Scheduler } from "effect";

/** The reason a sleep rejects with when its signal aborted without a reason of its own. */
function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted.", "AbortError");
}

/**
 * A core `Clock` that runs on an Effect `Clock` service: `now()` reads `currentTimeMillisUnsafe()` (no
 * fiber), `sleep(ms, signal)` and `schedule(ms, callback)` run the service's `sleep` in one fiber on
 * `scheduler` (the fiber's own, so a `TestClock` tracks it), interrupted when the signal aborts or the
 * timer is cancelled. Under `TestClock.layer()`,
 * `TestClock.adjust` wakes core sleepers in order, letting promise callbacks run between them, exactly as
 * `FakeClock.advance` does.
 *
 * Prefer `coreClock` (an Effect) or `GogglesClock.layer`; this is the function under them.
 *
 * @example
 * const clock = fromEffectClock(testClock, scheduler);
 * createLimiter({ capacity: 5, refillPerSecond: 1, clock });
 */
export function fromEffectClock(clock: Clock.Clock, scheduler?: Scheduler.Scheduler): CoreClock {
  let context = Context.make(Clock.Clock, clock);
  if (scheduler !== undefined) context = Context.add(context, Scheduler.Scheduler, scheduler);
  const run = Effect.runForkWith(context);
  return {
    now: () => clock.currentTimeMillisUnsafe(),
    // Core's timer without an AbortController or a promise: one sleep fiber, interrupted to cancel.
    schedule(ms: number, callback: () => void): () => void {
      const fiber = run(clock.sleep(Duration.millis(Math.max(0, ms))));
      fiber.addObserver((exit) => {
        if (Exit.isSuccess(exit)) callback();
      });
      return () => fiber.interruptUnsafe();
    },
    sleep(ms: number, signal?: AbortSignal): Promise<void> {
      if (signal?.aborted) return Promise.reject(abortReason(signal));
      return new Promise<void>((resolve, reject) => {
        const fiber = run(clock.sleep(Duration.millis(Math.max(0, ms))), signal ? { signal } : undefined);
        fiber.addObserver((exit) => {
          if (Exit.isSuccess(exit)) resolve();
          else reject(signal?.aborted ? abortReason(signal) : Cause.squash(exit.cause));
        });
      });
    },
  };
}

/** One core clock per Effect clock, so a policy made per call costs no new clock. */
const bridged = new WeakMap<Clock.Clock, CoreClock>();

/** The core clock of a fiber's Effect `Clock` (cached per clock). @internal */
export function coreClockOf(fiber: { getRef<A>(ref: Context.Reference<A>): A }): CoreClock {
  const clock = fiber.getRef(Clock.Clock);
  let core = bridged.get(clock);
  if (core === undefined) {
    core = fromEffectClock(clock, fiber.getRef(Scheduler.Scheduler));
    bridged.set(clock, core);
  }
  return core;
}

/**
 * The core `Clock` of the running fiber: time from its Effect `Clock` service, sleeps on its scheduler.
 * Hand it to any core object; under `TestClock.layer()`, `TestClock.adjust` drives it.
 *
 * @example
 * const program = Effect.gen(function* () {
 *   const clock = yield* coreClock;
 *   const limiter = createLimiter({ capacity: 10, refillPerSecond: 1, clock });
 * });
 */
export const coreClock: Effect.Effect<CoreClock> = Effect.withFiber((fiber) =>
  Effect.succeed(coreClockOf(fiber)),
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
