import type { Clock } from "@goggles/core";
import { FakeClock } from "@goggles/core/testing";
import { Effect } from "effect";
import { TestClock } from "effect/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { coreClock } from "./core-clock.js";

/** Starts one chain of sleeps per entry; each wake is logged with the clock's time, then the next sleep starts. */
function startChains(clock: Clock, chains: readonly (readonly number[])[], log: string[]): void {
  chains.forEach((chain, id) => {
    void (async () => {
      for (const [step, ms] of chain.entries()) {
        await clock.sleep(ms);
        log.push(`${id}.${step}@${clock.now()}`);
      }
    })();
  });
}

const scenario = fc.record({
  // Positive durations: a zero sleep resolves at once on TestClock but waits for the next advance on FakeClock.
  chains: fc.array(fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 4 }), {
    minLength: 1,
    maxLength: 5,
  }),
  steps: fc.array(fc.integer({ min: 0, max: 700 }), { minLength: 1, maxLength: 6 }),
});

describe("coreClock under TestClock wakes sleepers exactly as FakeClock does", () => {
  it("same wake order and times for chained sleeps over any sequence of advances", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ chains, steps }) => {
        const fake = new FakeClock();
        const expected: string[] = [];
        startChains(fake, chains, expected);
        const expectedAfter: string[][] = [];
        for (const ms of steps) {
          await fake.advance(ms);
          expectedAfter.push([...expected]);
        }

        const actualAfter = await Effect.runPromise(
          Effect.gen(function* () {
            const clock = yield* coreClock;
            const actual: string[] = [];
            startChains(clock, chains, actual);
            const after: string[][] = [];
            for (const ms of steps) {
              yield* TestClock.adjust(ms);
              after.push([...actual]);
            }
            return after;
          }).pipe(Effect.provide(TestClock.layer())),
        );
        expect(actualAfter).toEqual(expectedAfter);
      }),
      { numRuns: 60 },
    );
  });
});
