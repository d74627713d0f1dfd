import { consecutive, constantBackoff, type GogglesEvent } from "@goggles/core";
import { Data, Effect, Exit, Fiber, Layer, Schedule } from "effect";
import { TestClock } from "effect/testing";
import { describe, expect, it } from "vitest";
import { BreakerStates } from "./breaker-states.js";
import { circuitBreaker } from "./circuit-breaker.js";
import { PolicyAttempt } from "./from-policy.js";
import { bulkhead, fallback, retry, retryBudget, timeout, wrap } from "./policies.js";

class Down extends Data.TaggedError("Down")<{ readonly attempt: number }> {}

const run = <A, E>(effect: Effect.Effect<A, E>, layer: Layer.Layer<never> = Layer.empty) =>
  Effect.runPromise(Effect.provide(effect, Layer.merge(TestClock.layer(), layer)));

describe("circuitBreaker under TestClock", () => {
  it("trips after the threshold, refuses without running the Effect, half-opens when TestClock reaches openFor", () =>
    run(
      Effect.gen(function* () {
        const breaker = yield* circuitBreaker({
          name: "partner",
          strategy: consecutive({ threshold: 2 }),
          openFor: 1_000,
        });
        let calls = 0;
        const failing = Effect.suspend(() => {
          calls++;
          return Effect.fail(new Down({ attempt: calls }));
        });
        expect((yield* Effect.flip(failing.pipe(breaker)))._tag).toBe("Down");
        expect((yield* Effect.flip(failing.pipe(breaker)))._tag).toBe("Down");
        expect(yield* breaker.state).toBe("open");
        const refused = yield* Effect.flip(failing.pipe(breaker));
        expect(refused).toMatchObject({
          _tag: "BrokenCircuitError",
          breaker: "partner",
          state: "open",
          retryAfterMs: 1_000,
        });
        expect(calls).toBe(2);
        yield* TestClock.adjust(999);
        expect(yield* Effect.flip(failing.pipe(breaker))).toMatchObject({ retryAfterMs: 1 });
        expect(calls).toBe(2);
        yield* TestClock.adjust(1);
        const answer = yield* Effect.succeed("probe ok").pipe(breaker);
        expect(answer).toBe("probe ok");
        expect(yield* breaker.state).toBe("closed");
      }),
    ));

  it("a failed probe re-opens it; catchTag handles the refusal; isolate refuses with Infinity until reset", () =>
    run(
      Effect.gen(function* () {
        const breaker = yield* circuitBreaker({ strategy: consecutive({ threshold: 1 }), openFor: 500 });
        yield* Effect.exit(Effect.fail("x").pipe(breaker));
        yield* TestClock.adjust(500);
        yield* Effect.exit(Effect.fail("again").pipe(breaker));
        expect(yield* breaker.state).toBe("open");
        const handled = yield* Effect.succeed(1).pipe(
          breaker,
          Effect.catchTag("BrokenCircuitError", (e) => Effect.succeed(`wait ${e.retryAfterMs}`)),
        );
        expect(handled).toBe("wait 500");
        yield* breaker.reset;
        yield* breaker.isolate;
        const isolated = yield* Effect.flip(Effect.succeed(1).pipe(breaker));
        expect(isolated).toMatchObject({ state: "isolated", retryAfterMs: Number.POSITIVE_INFINITY });
        expect((yield* breaker.snapshot).state).toBe("isolated");
      }),
    ));

  it("interrupting a call through the breaker interrupts the running attempt (no signal needed)", () =>
    run(
      Effect.gen(function* () {
        const breaker = yield* circuitBreaker({ name: "i" });
        let finalized = false;
        const fiber = yield* Effect.forkChild(
          Effect.sleep(10_000).pipe(
            Effect.onInterrupt(() =>
              Effect.sync(() => {
                finalized = true;
              }),
            ),
            breaker,
          ),
        );
        yield* TestClock.adjust(1);
        yield* Fiber.interrupt(fiber);
        expect(finalized).toBe(true);
      }),
    ));

  it("breakers of one name share opens through the BreakerStates layer", () =>
    run(
      Effect.gen(function* () {
        const a = yield* circuitBreaker({
          name: "shared",
          strategy: consecutive({ threshold: 1 }),
          openFor: 1_000,
        });
        const b = yield* circuitBreaker({
          name: "shared",
          strategy: consecutive({ threshold: 1 }),
          openFor: 1_000,
        });
        yield* Effect.exit(Effect.fail("x").pipe(a));
        const refused = yield* Effect.flip(Effect.succeed(1).pipe(b));
        expect(refused._tag).toBe("BrokenCircuitError");
      }),
      BreakerStates.memory(),
    ));
});

describe("timeout, retry, bulkhead, wrap under TestClock", () => {
  it("timeout interrupts a slow Effect at the TestClock deadline and fails with TimeoutError", () =>
    run(
      Effect.gen(function* () {
        const limit = yield* timeout(1_000);
        let interrupted = false;
        const fiber = yield* Effect.sleep(5_000).pipe(
          Effect.onInterrupt(() =>
            Effect.sync(() => {
              interrupted = true;
            }),
          ),
          limit,
          Effect.flip,
          Effect.forkChild,
        );
        yield* TestClock.adjust(1_000);
        const error = yield* Fiber.join(fiber);
        expect(error).toMatchObject({ _tag: "TimeoutError", timeoutMs: 1_000 });
        expect(interrupted).toBe(true);
      }),
    ));

  it("timeout lets a prompt Effect through with its value and reports a timeout to onEvent", () =>
    run(
      Effect.gen(function* () {
        const events: GogglesEvent[] = [];
        const limit = yield* timeout(1_000, { onEvent: (e) => events.push(e) });
        expect(yield* Effect.succeed("fast").pipe(limit)).toBe("fast");
        expect(events).toEqual([]);
        const fiber = yield* Effect.forkChild(Effect.flip(Effect.never.pipe(limit)));
        yield* TestClock.adjust(1_000);
        expect((yield* Fiber.join(fiber))._tag).toBe("TimeoutError");
        expect(events).toEqual([{ type: "timeout", timeoutMs: 1_000 }]);
      }),
    ));

  it("retry sleeps its backoff on TestClock, numbers attempts, and shouldRetry sees the Effect's error", () =>
    run(
      Effect.gen(function* () {
        const seen: unknown[] = [];
        const retrying = yield* retry({
          maxAttempts: 3,
          backoff: constantBackoff(100),
          shouldRetry: (error) => {
            seen.push(error);
            return true;
          },
        });
        const call = Effect.gen(function* () {
          const attempt = yield* PolicyAttempt;
          if (attempt < 3) return yield* new Down({ attempt });
          return attempt;
        });
        const fiber = yield* Effect.forkChild(call.pipe(retrying));
        yield* TestClock.adjust(99);
        expect(fiber.pollUnsafe()).toBeUndefined();
        yield* TestClock.adjust(101);
        expect(yield* Fiber.join(fiber)).toBe(3);
        expect(seen).toEqual([new Down({ attempt: 1 }), new Down({ attempt: 2 })]);
      }),
    ));

  it("retry takes its delays from an Effect Schedule, and the schedule's end stops the retries", () =>
    run(
      Effect.gen(function* () {
        const retrying = yield* retry({
          maxAttempts: 10,
          schedule: Schedule.max([Schedule.exponential("100 millis"), Schedule.recurs(2)]),
        });
        const attempts: number[] = [];
        const failing = Effect.gen(function* () {
          attempts.push(yield* PolicyAttempt);
          return yield* new Down({ attempt: attempts.length });
        });
        const fiber = yield* Effect.forkChild(Effect.flip(failing.pipe(retrying)));
        yield* TestClock.adjust(99);
        expect(attempts).toEqual([1]);
        yield* TestClock.adjust(1); // 100 ms: attempt 2
        expect(attempts).toEqual([1, 2]);
        yield* TestClock.adjust(199);
        expect(attempts).toEqual([1, 2]);
        yield* TestClock.adjust(1); // then 200 ms: attempt 3, and the schedule (two recurrences) is done
        expect(yield* Fiber.join(fiber)).toEqual(new Down({ attempt: 3 }));
        expect(attempts).toEqual([1, 2, 3]);
      }),
    ));

  it("retry with an empty budget fails with RetryBudgetExhaustedError carrying the last failure", () =>
    run(
      Effect.gen(function* () {
        const budget = yield* retryBudget({ ratio: 0, minPerSecond: 0 });
        const retrying = yield* retry({ maxAttempts: 3, budget, backoff: constantBackoff(0) });
        const error = yield* Effect.flip(Effect.fail(new Down({ attempt: 1 })).pipe(retrying));
        expect(error).toMatchObject({
          _tag: "RetryBudgetExhaustedError",
          attempt: 1,
          cause: new Down({ attempt: 1 }),
        });
      }),
    ));

  it("bulkhead queues, rejects when full, and an interrupted caller leaves the queue", () =>
    run(
      Effect.gen(function* () {
        const pool = yield* bulkhead({ limit: 1, queue: 1 });
        const running = yield* Effect.forkChild(Effect.sleep(1_000).pipe(Effect.as("first"), pool));
        const queued = yield* Effect.forkChild(Effect.succeed("second").pipe(pool));
        yield* Effect.yieldNow;
        expect([yield* pool.active, yield* pool.queued]).toEqual([1, 1]);
        const full = yield* Effect.flip(Effect.succeed("third").pipe(pool));
        expect(full).toMatchObject({ _tag: "BulkheadRejectedError", reason: "full" });
        yield* Fiber.interrupt(queued);
        expect(yield* pool.queued).toBe(0);
        yield* TestClock.adjust(1_000);
        expect(yield* Fiber.join(running)).toBe("first");
        expect(yield* pool.active).toBe(0);
      }),
    ));

  it("wrap composes the canonical stack: retry waits out the breaker's retryAfterMs on TestClock", () =>
    run(
      Effect.gen(function* () {
        const protect = yield* wrap(
          fallback(() => "fallback"),
          timeout(60_000),
          retry({ maxAttempts: 3, backoff: constantBackoff(10) }),
          circuitBreaker({ name: "p", strategy: consecutive({ threshold: 1 }), openFor: 5_000 }),
          timeout(1_000),
        );
        let calls = 0;
        const call = Effect.suspend(() => {
          calls++;
          return calls === 1
            ? Effect.fail(new Down({ attempt: calls }))
            : Effect.succeed(`ok after ${calls}`);
        });
        const fiber = yield* Effect.forkChild(call.pipe(protect));
        // attempt 1 fails and opens the breaker; attempt 2 is refused (retryAfterMs 5000); retry waits 5000.
        yield* TestClock.adjust(4_999);
        expect(fiber.pollUnsafe()).toBeUndefined();
        yield* TestClock.adjust(1);
        expect(yield* Fiber.join(fiber)).toBe("ok after 2");
        // A defect counts as a failure: the breaker opens, retry waits it out, then the fallback answers.
        const failing = yield* Effect.forkChild(Effect.exit(Effect.die("bug").pipe(protect)));
        yield* TestClock.adjust(60_000);
        const exit = yield* Fiber.join(failing);
        expect(Exit.isSuccess(exit) && exit.value).toBe("fallback");
      }),
    ));
});
