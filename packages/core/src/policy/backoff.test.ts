import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { constantBackoff, exponentialBackoff } from "./backoff.js";

describe("backoff", () => {
  it("grows exponentially without jitter, capped", () => {
    const b = exponentialBackoff({ initialMs: 100, maxMs: 1_000, jitter: "none" });
    expect([1, 2, 3, 4, 5].map((n) => b(n, 0))).toEqual([100, 200, 400, 800, 1_000]);
  });

  it("full jitter scales the exponential by the random source", () => {
    const b = exponentialBackoff({ initialMs: 100, maxMs: 10_000, random: () => 0.5 });
    expect([1, 2, 3].map((n) => b(n, 0))).toEqual([50, 100, 200]);
  });

  it("decorrelated jitter draws in [initial, 3 × previous], capped", () => {
    const b = exponentialBackoff({ initialMs: 100, maxMs: 1_000, jitter: "decorrelated", random: () => 1 });
    let previous = 0;
    const delays: number[] = [];
    for (let i = 1; i <= 4; i++) {
      previous = b(i, previous);
      delays.push(previous);
    }
    expect(delays).toEqual([100, 300, 900, 1_000]);
  });

  it("stays within [0, maxMs] for any random source and attempt", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("full" as const, "decorrelated" as const, "none" as const),
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0, max: 0.999_999, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        (jitter, attempt, r, previous) => {
          const d = exponentialBackoff({ initialMs: 10, maxMs: 5_000, jitter, random: () => r })(
            attempt,
            previous,
          );
          return d >= 0 && d <= 5_000;
        },
      ),
    );
    expect(constantBackoff(7)(3, 0)).toBe(7);
  });
});
