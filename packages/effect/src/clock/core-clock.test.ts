import { Effect, Layer } from "effect";
import { TestClock } from "effect/testing";
import { describe, expect, it } from "vitest";
import { coreClock, GogglesClock } from "./core-clock.js";

const run = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.runPromise(Effect.provide(effect, TestClock.layer()));

describe("coreClock under TestClock", () => {
  it("reads the test time and resolves a core sleep only when the clock is adjusted that far", () =>
    run(
      Effect.gen(function* () {
        const clock = yield* coreClock;
        expect(clock.now()).toBe(0);
        let woke = false;
        void clock.sleep(1_000).then(() => {
          woke = true;
        });
        yield* TestClock.adjust(999);
        expect(woke).toBe(false);
        yield* TestClock.adjust(1);
        expect(woke).toBe(true);
        expect(clock.now()).toBe(1_000);
      }),
    ));

  it("wakes chained sleeps in order within one adjust, letting promise callbacks run between them", () =>
    run(
      Effect.gen(function* () {
        const clock = yield* coreClock;
        const seen: number[] = [];
        void (async () => {
          for (let i = 0; i < 3; i++) {
            await clock.sleep(100);
            seen.push(clock.now());
          }
        })();
        const other: number[] = [];
        void clock.sleep(250).then(() => other.push(clock.now()));
        yield* TestClock.adjust(1_000);
        expect(seen).toEqual([100, 200, 300]);
        expect(other).toEqual([250]);
      }),
    ));

  it("rejects a sleep with the signal's reason when it aborts, and the aborted sleeper never wakes", () =>
    run(
      Effect.gen(function* () {
        const clock = yield* coreClock;
        const controller = new AbortController();
        const reason = new Error("stop");
        let settled: unknown = "pending";
        clock.sleep(1_000, controller.signal).then(
          () => {
            settled = "resolved";
          },
          (error: unknown) => {
            settled = error;
          },
        );
        yield* TestClock.adjust(10);
        controller.abort(reason);
        yield* Effect.promise(() => Promise.resolve());
        expect(settled).toBe(reason);
        yield* TestClock.adjust(10_000);
        expect(settled).toBe(reason);
      }),
    ));

  it("rejects at once for a signal already aborted, with an AbortError when it has no reason", async () => {
    const clock = await run(coreClock);
    const controller = new AbortController();
    controller.abort();
    await expect(clock.sleep(10, controller.signal)).rejects.toMatchObject({ name: "AbortError" });
  });

  it("a zero sleep resolves without adjusting", () =>
    run(
      Effect.gen(function* () {
        const clock = yield* coreClock;
        yield* Effect.promise(() => clock.sleep(0));
      }),
    ));

  it("GogglesClock.layer takes the test clock of the layer it is built on", () =>
    Effect.runPromise(
      Effect.gen(function* () {
        const clock = yield* GogglesClock;
        let woke = false;
        void clock.sleep(60_000).then(() => {
          woke = true;
        });
        yield* TestClock.adjust(60_000);
        expect(woke).toBe(true);
        expect(clock.now()).toBe(60_000);
      }).pipe(Effect.provide(GogglesClock.layer.pipe(Layer.provideMerge(TestClock.layer())))),
    ));

  it("on the live clock, a core sleep takes real (short) time", async () => {
    const clock = await Effect.runPromise(coreClock);
    const before = clock.now();
    await clock.sleep(5);
    expect(clock.now()).toBeGreaterThanOrEqual(before);
  });
});

describe("coreClock.schedule under TestClock", () => {
  it("calls back when TestClock reaches the time, and never once cancelled", () =>
    run(
      Effect.gen(function* () {
        const clock = yield* coreClock;
        const fired: string[] = [];
        clock.schedule?.(100, () => fired.push(`a@${clock.now()}`));
        const cancel = clock.schedule?.(100, () => fired.push("b"));
        clock.schedule?.(50, () => fired.push(`c@${clock.now()}`));
        cancel?.();
        yield* TestClock.adjust(99);
        expect(fired).toEqual(["c@50"]);
        yield* TestClock.adjust(1);
        expect(fired).toEqual(["c@50", "a@100"]);
        yield* TestClock.adjust(1_000);
        expect(fired).toEqual(["c@50", "a@100"]);
      }),
    ));
});
