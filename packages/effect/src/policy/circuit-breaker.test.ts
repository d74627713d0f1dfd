import { type BreakerStateStore, consecutive, memoryBreakerStateStore } from "@goggles/core";
import { Data, Effect, Exit, Fiber, Layer } from "effect";
import { TestClock } from "effect/testing";
import { describe, expect, it } from "vitest";
import { fromAbortable } from "../run/from-abortable.js";
import { BreakerStates } from "./breaker-states.js";
import { circuitBreaker } from "./circuit-breaker.js";
import { timeout, wrap } from "./policies.js";

class Down extends Data.TaggedError("Down")<{ readonly n: number }> {}

const run = <A, E>(effect: Effect.Effect<A, E>, layer: Layer.Layer<never> = Layer.empty) =>
  Effect.runPromise(Effect.provide(effect, Layer.merge(TestClock.layer(), layer)));

const fiberId = Effect.withFiber((fiber) => Effect.succeed(fiber.id));

/** A store whose probe leases arrive later (like Redis), counting the leases granted and released. */
function slowLeaseStore() {
  const memory = memoryBreakerStateStore();
  let granted = 0;
  let released = 0;
  let gate: Promise<void> = Promise.resolve();
  let open: () => void = () => {};
  const store: BreakerStateStore = {
    peek: (key, now) => memory.peek(key, now),
    open: (key, until, now) => memory.open(key, until, now),
    close: (key) => memory.close(key),
    async acquireProbe() {
      await gate;
      granted++;
      return {
        release() {
          released++;
        },
      };
    },
  };
  return {
    store,
    hold() {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    letGo: () => open(),
    counts: () => ({ granted, released }),
  };
}

describe("circuitBreaker runs the Effect natively", () => {
  it("runs the protected Effect in the caller's own fiber (no bridge fiber), wrapped in a stack too", () =>
    run(
      Effect.gen(function* () {
        const breaker = yield* circuitBreaker({ name: "inline" });
        const caller = yield* fiberId;
        expect(yield* fiberId.pipe(breaker)).toBe(caller);
        const stack = yield* wrap(circuitBreaker({ name: "a" }), circuitBreaker({ name: "b" }));
        expect(yield* fiberId.pipe(stack)).toBe(caller);
      }),
    ));

  it("an interrupted call is not a failure of the dependency: nothing is counted", () =>
    run(
      Effect.gen(function* () {
        const breaker = yield* circuitBreaker({ strategy: consecutive({ threshold: 1 }), openFor: 1_000 });
        const fiber = yield* Effect.forkChild(Effect.sleep(10_000).pipe(breaker), { startImmediately: true });
        yield* Fiber.interrupt(fiber);
        expect(yield* breaker.state).toBe("closed");
        // A failure and a defect are counted.
        yield* Effect.exit(Effect.die("bug").pipe(breaker));
        expect(yield* breaker.state).toBe("open");
      }),
    ));

  it("an interrupted half-open probe frees its slot: the next call probes instead of being refused", () =>
    run(
      Effect.gen(function* () {
        const breaker = yield* circuitBreaker({ strategy: consecutive({ threshold: 1 }), openFor: 1_000 });
        yield* Effect.exit(Effect.fail(new Down({ n: 1 })).pipe(breaker));
        yield* TestClock.adjust(1_000);
        const probe = yield* Effect.forkChild(Effect.sleep(10_000).pipe(breaker), { startImmediately: true });
        expect(yield* breaker.state).toBe("half-open");
        expect((yield* Effect.flip(Effect.succeed(1).pipe(breaker)))._tag).toBe("BrokenCircuitError");
        yield* Fiber.interrupt(probe);
        expect(yield* Effect.succeed("second probe").pipe(breaker)).toBe("second probe");
        expect(yield* breaker.state).toBe("closed");
      }),
    ));

  it("isFailure sees the Effect's own error; an error it excludes passes through uncounted", () =>
    run(
      Effect.gen(function* () {
        const breaker = yield* circuitBreaker({
          strategy: consecutive({ threshold: 1 }),
          isFailure: (error) => !(error instanceof Down && error.n === 404),
        });
        const notFound = yield* Effect.flip(Effect.fail(new Down({ n: 404 })).pipe(breaker));
        expect(notFound).toEqual(new Down({ n: 404 }));
        expect(yield* breaker.state).toBe("closed");
        yield* Effect.exit(Effect.fail(new Down({ n: 503 })).pipe(breaker));
        expect(yield* breaker.state).toBe("open");
      }),
    ));

  it("interrupting the caller aborts the signal of work that took one (fromAbortable)", () =>
    run(
      Effect.gen(function* () {
        const breaker = yield* circuitBreaker({ name: "signal" });
        let signal: AbortSignal | undefined;
        const work = fromAbortable(
          (s) =>
            new Promise<never>(() => {
              signal = s;
            }),
        );
        const fiber = yield* Effect.forkChild(work.pipe(breaker), { startImmediately: true });
        expect(signal?.aborted).toBe(false);
        yield* Fiber.interrupt(fiber);
        expect(signal?.aborted).toBe(true);
      }),
    ));

  it("a timeout inside the breaker is a failure it counts; the timed-out work's signal aborts", () =>
    run(
      Effect.gen(function* () {
        const protect = yield* wrap(
          circuitBreaker({ strategy: consecutive({ threshold: 1 }), openFor: 5_000 }),
          timeout(100),
        );
        let signal: AbortSignal | undefined;
        const hanging = fromAbortable(
          (s) =>
            new Promise<never>(() => {
              signal = s;
            }),
        );
        const fiber = yield* Effect.forkChild(Effect.flip(hanging.pipe(protect)));
        yield* TestClock.adjust(100);
        expect(yield* Fiber.join(fiber)).toMatchObject({ _tag: "TimeoutError", timeoutMs: 100 });
        expect(signal?.aborted).toBe(true);
        expect((yield* Effect.flip(Effect.succeed(1).pipe(protect)))._tag).toBe("BrokenCircuitError");
      }),
    ));

  it("a probe lease the shared store grants later runs the probe; one granted after interruption is released", async () => {
    const shared = slowLeaseStore();
    await run(
      Effect.gen(function* () {
        const breaker = yield* circuitBreaker({
          name: "slow-store",
          strategy: consecutive({ threshold: 1 }),
          openFor: 1_000,
        });
        yield* Effect.exit(Effect.fail(new Down({ n: 1 })).pipe(breaker));
        yield* TestClock.adjust(1_000);
        shared.hold();
        let ran = false;
        const waiting = yield* Effect.forkChild(
          Effect.sync(() => {
            ran = true;
          }).pipe(breaker),
          { startImmediately: true },
        );
        yield* Fiber.interrupt(waiting);
        shared.letGo();
        yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 0)));
        expect(ran).toBe(false);
        expect(shared.counts()).toEqual({ granted: 1, released: 1 });
        const exit = yield* Effect.exit(Effect.succeed("probe").pipe(breaker));
        expect(Exit.isSuccess(exit) && exit.value).toBe("probe");
        expect(yield* breaker.state).toBe("closed");
      }),
      Layer.succeed(BreakerStates, shared.store),
    );
  });
});
