import { type Clock, errorGuard, GogglesError, isGogglesError } from "@goggles/core";
import { Cause, Context, Data, Effect, Exit, Fiber } from "effect";
import { TestClock } from "effect/testing";
import { describe, expect, it } from "vitest";
import { coreClock } from "../clock/core-clock.js";
import { fromPolicy, PolicyAttempt } from "./from-policy.js";
import type { PolicyCallContext, PolicyLike } from "./policy-like.js";

const run = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.runPromise(Effect.provide(effect, TestClock.layer()));

class Boom extends Data.TaggedError("Boom")<{ readonly n: number }> {}

/** A policy that records the signal and attempts it was given and runs `fn` once, asynchronously. */
function recording() {
  const seen: PolicyCallContext[] = [];
  let outer: AbortSignal | undefined;
  const policy: PolicyLike = {
    async execute(fn, options) {
      outer = options?.signal;
      await Promise.resolve();
      const context = { signal: options?.signal, attempt: 0 };
      seen.push(context);
      return fn(context);
    },
  };
  return { policy, seen, outer: () => outer };
}

/** Core's timeout in miniature: its own signal per call, aborted with a TIMEOUT error when the clock says so. */
function miniTimeout(ms: number, clock: Clock): PolicyLike {
  return {
    execute(fn, options) {
      const work = new AbortController();
      return new Promise((resolve, reject) => {
        clock.sleep(ms, options?.signal).then(() => {
          const error = Object.assign(new GogglesError("TIMEOUT", `timed out after ${ms} ms`), {
            timeoutMs: ms,
          });
          work.abort(error);
          reject(error);
        }, reject);
        Promise.resolve(fn({ signal: work.signal, attempt: 0 })).then(resolve, reject);
      });
    },
  };
}

/** Core's retry in miniature: up to `n` attempts, numbered from 1. */
function miniRetry(n: number, shouldRetry: (error: unknown) => boolean = () => true): PolicyLike {
  return {
    async execute(fn, options) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await fn({ signal: options?.signal, attempt });
        } catch (error) {
          if (attempt >= n || !shouldRetry(error)) throw error;
        }
      }
    },
  };
}

describe("fromPolicy", () => {
  it("passes the Effect's value through, synchronous or not", () =>
    run(
      Effect.gen(function* () {
        const { policy } = recording();
        const protect = fromPolicy(policy);
        expect(yield* protect(Effect.succeed(1))).toBe(1);
        const fiber = yield* protect(Effect.sleep(10).pipe(Effect.as(2))).pipe(Effect.forkChild);
        yield* TestClock.adjust(10);
        expect(yield* Fiber.join(fiber)).toBe(2);
      }),
    ));

  it("keeps the Effect's own failure and defect with their full Cause", () =>
    run(
      Effect.gen(function* () {
        const protect = fromPolicy(recording().policy);
        const failed = yield* Effect.exit(protect(Effect.fail(new Boom({ n: 1 }))));
        expect(failed).toEqual(Exit.fail(new Boom({ n: 1 })));
        const died = yield* Effect.exit(protect(Effect.die("bug")));
        expect(Exit.isFailure(died) && Cause.hasDies(died.cause)).toBe(true);
        const caught = yield* protect(Effect.fail(new Boom({ n: 2 }))).pipe(
          Effect.catchTag("Boom", (e) => Effect.succeed(e.n)),
        );
        expect(caught).toBe(2);
      }),
    ));

  it("interrupting the caller aborts the policy's signal and interrupts the running attempt, finalizers done", () =>
    run(
      Effect.gen(function* () {
        const rec = recording();
        const protect = fromPolicy(rec.policy);
        let finalized = false;
        const fiber = yield* protect(
          Effect.never.pipe(
            Effect.onInterrupt(() =>
              Effect.sync(() => {
                finalized = true;
              }),
            ),
          ),
        ).pipe(Effect.forkChild);
        yield* Effect.yieldNow;
        yield* Effect.promise(() => Promise.resolve());
        expect(rec.seen).toHaveLength(1);
        const signal = rec.outer() as AbortSignal;
        expect(signal.aborted).toBe(false);
        yield* Fiber.interrupt(fiber);
        expect(signal.aborted).toBe(true);
        expect(finalized).toBe(true);
      }),
    ));

  it("a policy aborting the attempt's signal (a timeout on TestClock) interrupts it and fails with TimeoutError", () =>
    run(
      Effect.gen(function* () {
        const clock = yield* coreClock;
        const protect = fromPolicy(miniTimeout(1_000, clock));
        let interrupted = false;
        const slow = Effect.sleep(5_000).pipe(
          Effect.as("late"),
          Effect.onInterrupt(() =>
            Effect.sync(() => {
              interrupted = true;
            }),
          ),
        );
        const fiber = yield* protect(slow).pipe(
          Effect.catchTag("TimeoutError", (e) => Effect.succeed(`timeout ${e.timeoutMs}`)),
          Effect.forkChild,
        );
        yield* TestClock.adjust(999);
        expect(interrupted).toBe(false);
        yield* TestClock.adjust(1);
        expect(yield* Fiber.join(fiber)).toBe("timeout 1000");
        expect(interrupted).toBe(true);
      }),
    ));

  it("a fast attempt beats the timeout on TestClock", () =>
    run(
      Effect.gen(function* () {
        const clock = yield* coreClock;
        const protect = fromPolicy(miniTimeout(1_000, clock));
        const fiber = yield* protect(Effect.sleep(500).pipe(Effect.as("ok"))).pipe(Effect.forkChild);
        yield* TestClock.adjust(500);
        expect(yield* Fiber.join(fiber)).toBe("ok");
      }),
    ));

  it("each attempt sees its number and the caller's services; the policy sees the Effect's error", () =>
    run(
      Effect.gen(function* () {
        class Greeting extends Context.Service<Greeting, string>()("test/Greeting") {}
        const seenErrors: unknown[] = [];
        const protect = fromPolicy(
          miniRetry(3, (error) => {
            seenErrors.push(error);
            return true;
          }),
        );
        const attempts: Array<[number, string]> = [];
        const call = Effect.gen(function* () {
          const attempt = yield* PolicyAttempt;
          attempts.push([attempt, yield* Greeting]);
          if (attempt < 3) return yield* new Boom({ n: attempt });
          return "third time";
        });
        const result = yield* protect(call).pipe(Effect.provideService(Greeting, "hi"));
        expect(result).toBe("third time");
        expect(attempts).toEqual([
          [1, "hi"],
          [2, "hi"],
          [3, "hi"],
        ]);
        expect(seenErrors).toEqual([new Boom({ n: 1 }), new Boom({ n: 2 })]);
        expect(yield* PolicyAttempt).toBe(0);
      }),
    ));

  it("a policy's own rejection becomes its tagged error; an unknown rejection is a defect", () =>
    run(
      Effect.gen(function* () {
        const refusing = (error: unknown): PolicyLike => ({ execute: () => Promise.reject(error) });
        const breakerError = Object.assign(new GogglesError("BROKEN_CIRCUIT", "open"), {
          breaker: "partner",
          state: "open",
          retryAfterMs: 5_000,
        });
        const tagged = yield* fromPolicy(refusing(breakerError))(Effect.succeed(1)).pipe(Effect.flip);
        expect(tagged._tag).toBe("BrokenCircuitError");
        expect(tagged).toMatchObject({ breaker: "partner", state: "open", retryAfterMs: 5_000 });
        const odd = yield* Effect.exit(fromPolicy(refusing(new RangeError("bad")))(Effect.succeed(1)));
        expect(Exit.isFailure(odd) && Cause.hasDies(odd.cause)).toBe(true);
      }),
    ));

  it("core's own guards recognise the tagged errors (so core policies treat them like theirs)", () =>
    run(
      Effect.gen(function* () {
        const isBulkheadRejected = errorGuard("BULKHEAD_REJECTED");
        const refusing: PolicyLike = {
          execute: () =>
            Promise.reject(
              Object.assign(new GogglesError("BULKHEAD_REJECTED", "full"), {
                reason: "full",
                active: 2,
                queued: 0,
              }),
            ),
        };
        const error = yield* fromPolicy(refusing)(Effect.succeed(1)).pipe(Effect.flip);
        expect(error._tag).toBe("BulkheadRejectedError");
        expect(isGogglesError(error)).toBe(true);
        expect(isBulkheadRejected(error)).toBe(true);
        // An outer core-style retry that skips bulkhead rejections does not retry the inner tagged one.
        let calls = 0;
        const outer = fromPolicy(miniRetry(3, (e) => !isBulkheadRejected(e)));
        yield* outer(
          Effect.suspend(() => {
            calls++;
            return fromPolicy(refusing)(Effect.succeed(1));
          }),
        ).pipe(Effect.flip);
        expect(calls).toBe(1);
      }),
    ));
});

describe("fromPolicy with a policy that throws synchronously", () => {
  it("keeps the Effect's failure when execute lets the attempt's throw escape", () =>
    run(
      Effect.gen(function* () {
        const careless: PolicyLike = { execute: (fn) => Promise.resolve(fn({ attempt: 0 })) };
        const error = yield* Effect.flip(fromPolicy(careless)(Effect.fail(new Boom({ n: 7 }))));
        expect(error).toEqual(new Boom({ n: 7 }));
      }),
    ));
});
