import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type BucketLimit,
  type BucketState,
  decideBuckets,
  fullAt,
  refundBuckets,
  reportBucket,
  TOKEN_EPSILON,
} from "./token-bucket.js";

const limitArb = fc.record({
  name: fc.constant("default"),
  capacity: fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.double({ min: 0.5, max: 1000, noNaN: true })),
  refillPerMs: fc.oneof(
    fc.double({ min: 1e-6, max: 10, noNaN: true }),
    fc.constantFrom(1 / 1000, 10 / 1000, 1000 / 86_400_000),
  ),
});

const opArb = fc.record({
  waitMs: fc.oneof(
    fc.constant(0),
    fc.integer({ min: 0, max: 5000 }),
    fc.double({ min: 0, max: 100, noNaN: true }),
  ),
  cost: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.double({ min: 0, max: 20, noNaN: true })),
});

const T0 = 1_764_000_000_000;

/** Runs a history, returning each admitted cost with the time it was admitted at. */
function run(limit: BucketLimit, ops: { waitMs: number; cost: number }[]) {
  let state: BucketState | undefined;
  let now = T0;
  const admitted: { at: number; cost: number }[] = [];
  for (const op of ops) {
    now += op.waitMs;
    if (op.cost > limit.capacity) continue; // the limiter refuses these before the arithmetic
    const d = decideBuckets(state, [limit], now, op.cost);
    if (state !== undefined) expect(state.tokens[0]).toBeGreaterThanOrEqual(0);
    if (d.allowed) admitted.push({ at: now, cost: op.cost });
    else expect(d.state).toBe(state); // a rejected call writes nothing
    state = d.state;
    if (state !== undefined) {
      expect(state.tokens[0]).toBeGreaterThanOrEqual(0);
      expect(state.tokens[0]).toBeLessThanOrEqual(limit.capacity);
    }
  }
  return admitted;
}

describe("token bucket arithmetic (properties)", () => {
  it("never admits more than capacity + refill × elapsed over any interval", () => {
    fc.assert(
      fc.property(limitArb, fc.array(opArb, { maxLength: 60 }), (limit, ops) => {
        const admitted = run(limit, ops);
        for (let i = 0; i < admitted.length; i++) {
          let sum = 0;
          for (let j = i; j < admitted.length; j++) {
            sum += (admitted[j] as { cost: number }).cost;
            const elapsed = (admitted[j] as { at: number }).at - (admitted[i] as { at: number }).at;
            const bound = limit.capacity + limit.refillPerMs * elapsed;
            expect(sum).toBeLessThanOrEqual(
              bound * (1 + 1e-9) + TOKEN_EPSILON * limit.capacity * (j - i + 1),
            );
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("a clock going backwards mints nothing: the bound holds against real elapsed time", () => {
    const withBack = fc.record({
      waitMs: fc.integer({ min: 0, max: 3000 }),
      back: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 10_000 })),
      cost: fc.integer({ min: 0, max: 10 }),
    });
    fc.assert(
      fc.property(limitArb, fc.array(withBack, { maxLength: 60 }), (limit, ops) => {
        // Real time only moves forward (by the waits); the clock also jumps back by `back`.
        const real: number[] = [];
        let elapsed = 0;
        for (const op of ops) {
          elapsed += op.waitMs;
          if (op.cost <= limit.capacity) real.push(elapsed);
        }
        let state: BucketState | undefined;
        let now = T0;
        const admitted: { real: number; cost: number }[] = [];
        let k = 0;
        for (const op of ops) {
          now = now + op.waitMs - op.back;
          if (op.cost > limit.capacity) continue;
          const d = decideBuckets(state, [limit], now, op.cost);
          if (d.allowed) admitted.push({ real: real[k] as number, cost: op.cost });
          state = d.state;
          k++;
        }
        for (let i = 0; i < admitted.length; i++) {
          let sum = 0;
          for (let j = i; j < admitted.length; j++) {
            sum += (admitted[j] as { cost: number }).cost;
            const dt = (admitted[j] as { real: number }).real - (admitted[i] as { real: number }).real;
            const bound = limit.capacity + limit.refillPerMs * dt;
            expect(sum).toBeLessThanOrEqual(
              bound * (1 + 1e-9) + TOKEN_EPSILON * limit.capacity * (j - i + 1),
            );
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("available tokens are monotone in time and never negative", () => {
    fc.assert(
      fc.property(
        limitArb,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: -10_000, max: 10_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        (limit, fill, offset, a, b) => {
          const state: BucketState = { at: T0, tokens: [fill * limit.capacity] };
          const [early, late] = a <= b ? [a, b] : [b, a];
          const x = decideBuckets(state, [limit], T0 + offset + early, 0).tokens[0] as number;
          const y = decideBuckets(state, [limit], T0 + offset + late, 0).tokens[0] as number;
          expect(x).toBeGreaterThanOrEqual(0);
          expect(y).toBeGreaterThanOrEqual(x);
          expect(y).toBeLessThanOrEqual(limit.capacity);
        },
      ),
    );
  });

  it("charges every limit or none", () => {
    fc.assert(
      fc.property(
        fc.array(limitArb, { minLength: 1, maxLength: 4 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 1, max: 20 }),
        (limits, fills, cost) => {
          const state: BucketState = {
            at: T0,
            tokens: limits.map((l, i) => (fills[i] as number) * l.capacity),
          };
          const d = decideBuckets(state, limits, T0, cost);
          if (d.allowed) {
            d.state?.tokens.forEach((t, i) => {
              expect(t).toBeCloseTo(Math.max(0, (state.tokens[i] as number) - cost), 9);
            });
          } else {
            expect(d.state).toBe(state);
            expect(
              limits.some((l, i) => (state.tokens[i] as number) < cost - TOKEN_EPSILON * l.capacity),
            ).toBe(true);
          }
        },
      ),
    );
  });

  it("retryAfterMs is exactly the wait until the same request passes", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 100 }),
        (capacity, perSecond, fill, rawCost) => {
          const limit: BucketLimit = { name: "d", capacity, refillPerMs: perSecond / 1000 };
          const cost = Math.min(rawCost, capacity);
          const state: BucketState = { at: T0, tokens: [fill * capacity] };
          const d = decideBuckets(state, [limit], T0, cost);
          const report = reportBucket(limit, d.tokens[0] as number, cost, d.allowed);
          if (d.allowed) {
            expect(report.retryAfterMs).toBe(0);
            return;
          }
          expect(decideBuckets(state, [limit], T0 + report.retryAfterMs, cost).allowed).toBe(true);
          if (report.retryAfterMs > 1) {
            expect(decideBuckets(state, [limit], T0 + report.retryAfterMs - 1, cost).allowed).toBe(false);
          }
        },
      ),
    );
  });

  it("a refund never lifts a bucket above capacity, and a full refund forgets the key", () => {
    fc.assert(
      fc.property(
        limitArb,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 2000 }),
        (limit, fill, cost) => {
          const state: BucketState = { at: T0, tokens: [fill * limit.capacity] };
          const after = refundBuckets(state, [limit], T0, cost);
          if (after === undefined)
            expect(fill * limit.capacity + cost).toBeGreaterThanOrEqual(limit.capacity);
          else expect(after.tokens[0]).toBeLessThan(limit.capacity);
        },
      ),
    );
  });
});

describe("token bucket arithmetic (examples)", () => {
  const limit: BucketLimit = { name: "default", capacity: 10, refillPerMs: 1 / 1000 };

  it("starts full, keeps fractions, reports whole tokens", () => {
    const first = decideBuckets(undefined, [limit], 0, 1);
    expect(first).toEqual({ allowed: true, state: { at: 0, tokens: [9] }, tokens: [9] });
    const second = decideBuckets(first.state, [limit], 500, 2.25);
    expect(second.tokens[0]).toBeCloseTo(7.25, 12);
    expect(reportBucket(limit, second.tokens[0] as number, 2.25, true)).toEqual({
      remaining: 7,
      retryAfterMs: 0,
      resetMs: 2750,
    });
  });

  it("cost 0 peeks without writing", () => {
    const state: BucketState = { at: 0, tokens: [3] };
    const peek = decideBuckets(state, [limit], 1000, 0);
    expect(peek.state).toBe(state);
    expect(peek.tokens).toEqual([4]);
  });

  it("knows when a key is full again", () => {
    expect(fullAt({ at: 1000, tokens: [4] }, [limit])).toBe(7000);
    expect(refundBuckets({ at: 0, tokens: [3] }, [limit], 500, 1)).toEqual({ at: 500, tokens: [4.5] });
    expect(refundBuckets(undefined, [limit], 500, 1)).toBeUndefined();
  });

  it("a rejection reports the wait and the reset", () => {
    expect(reportBucket(limit, 0.5, 1, false)).toEqual({ remaining: 0, retryAfterMs: 500, resetMs: 9500 });
  });

  it("absorbs float rounding: capacity 3 at 3/s admits a burst of exactly 3", () => {
    const three: BucketLimit = { name: "d", capacity: 3, refillPerMs: 3 / 1000 };
    let state: BucketState | undefined;
    let admitted = 0;
    for (let i = 0; i < 5; i++) {
      const d = decideBuckets(state, [three], 0, 1);
      state = d.state;
      if (d.allowed) admitted++;
    }
    expect(admitted).toBe(3);
    const later = decideBuckets(state, [three], 1000 / 3, 1);
    expect(later.allowed).toBe(true);
  });
});
