// The contract every LimiterStore honours: one suite, run against MemoryStore (memory-store.test.ts) and the
// Redis store (@goggles/redis-store). Not part of the published package (excluded from the build).
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeClock } from "../testing/fake-clock.js";
import type { LimiterStore, StoreDecision } from "./limiter-store.js";
import { type BucketLimit, type BucketState, decideBuckets, refundBuckets } from "./token-bucket.js";

/** Makes a fresh, empty store that decides at `clock.now()` (memory: the `now` passed; Redis: its `clock`). */
export type StoreFactory = (clock: FakeClock) => LimiterStore | Promise<LimiterStore>;

/** A realistic epoch time, so stores that keep absolute times are exercised at today's magnitudes. */
export const CONTRACT_START = 1_764_000_000_000;

const perSecond = (name: string, capacity: number, refillPerSecond: number): BucketLimit => ({
  name,
  capacity,
  refillPerMs: refillPerSecond / 1000,
});

const one = [perSecond("default", 5, 1)];
const two = [perSecond("burst", 5, 5), perSecond("daily", 7, 7 / 86_400)];

/**
 * Registers the limiter-store contract suite for a store.
 *
 * @example
 * limiterStoreContract("MemoryStore", () => new MemoryStore());
 */
export function limiterStoreContract(name: string, makeStore: StoreFactory, options: { runs?: number } = {}) {
  describe(`LimiterStore contract: ${name}`, () => {
    let clock: FakeClock;
    let store: LimiterStore;
    let n = 0;
    let key: string;
    const consume = (limits: readonly BucketLimit[], cost: number, k = key): Promise<StoreDecision> =>
      Promise.resolve(store.consume(k, limits, cost, clock.now())).then((d) => ({
        allowed: d.allowed,
        tokens: [...d.tokens],
      }));
    const peek = (limits: readonly BucketLimit[], k = key) => consume(limits, 0, k);

    beforeEach(async () => {
      clock = new FakeClock(CONTRACT_START);
      store = await makeStore(clock);
      key = `contract:${name}:${Date.now()}:${n++}`;
    });

    it("treats an unknown key as full buckets", async () => {
      expect(await peek(one)).toEqual({ allowed: true, tokens: [5] });
      expect(await consume(one, 2)).toEqual({ allowed: true, tokens: [3] });
    });

    it("drains, refuses without consuming, and refills continuously with fractions", async () => {
      expect((await consume(one, 5)).tokens[0]).toBeCloseTo(0, 9);
      const refused = await consume(one, 1);
      expect(refused.allowed).toBe(false);
      expect(refused.tokens[0]).toBeCloseTo(0, 9);
      clock.set(clock.now() + 500);
      const half = await consume(one, 1);
      expect(half.allowed).toBe(false);
      expect(half.tokens[0]).toBeCloseTo(0.5, 9);
      clock.set(clock.now() + 500);
      const after = await consume(one, 1);
      expect(after.allowed).toBe(true);
      expect(after.tokens[0]).toBeCloseTo(0, 9);
    });

    it("never refills above capacity", async () => {
      await consume(one, 3);
      clock.set(clock.now() + 3_600_000);
      expect((await peek(one)).tokens[0]).toBeCloseTo(5, 9);
    });

    it("peeks with cost 0 without writing", async () => {
      await consume(one, 4);
      for (let i = 0; i < 3; i++) expect((await peek(one)).tokens[0]).toBeCloseTo(1, 9);
    });

    it("charges every limit or none", async () => {
      expect((await consume(two, 5)).allowed).toBe(true);
      clock.set(clock.now() + 1000); // burst is full again, daily still has 2
      const refused = await consume(two, 3);
      expect(refused.allowed).toBe(false);
      expect(refused.tokens[0]).toBeCloseTo(5, 9);
      expect(refused.tokens[1]).toBeCloseTo(2 + 7 / 86_400, 9);
      const allowed = await consume(two, 2);
      expect(allowed.allowed).toBe(true);
      expect(allowed.tokens[0]).toBeCloseTo(3, 9);
    });

    it("mints nothing when the clock goes backwards", async () => {
      await consume(one, 5);
      const then = clock.now();
      clock.set(then - 10_000);
      expect((await consume(one, 1)).allowed).toBe(false);
      clock.set(then);
      const refused = await consume(one, 1);
      expect(refused.allowed).toBe(false);
      expect(refused.tokens[0]).toBeCloseTo(0, 9);
    });

    it("refunds up to capacity, and ignores unknown keys", async () => {
      await consume(one, 4);
      await store.refund(key, one, 2, clock.now());
      expect((await peek(one)).tokens[0]).toBeCloseTo(3, 9);
      await store.refund(key, one, 10, clock.now());
      expect((await peek(one)).tokens[0]).toBeCloseTo(5, 9);
      await store.refund(`${key}:unknown`, one, 1, clock.now());
      expect((await peek(one, `${key}:unknown`)).tokens[0]).toBe(5);
    });

    it("resets a key, leaving the others alone", async () => {
      await consume(one, 5);
      await consume(one, 5, `${key}:other`);
      await store.reset(key);
      expect((await peek(one)).tokens[0]).toBe(5);
      expect((await peek(one, `${key}:other`)).tokens[0]).toBeCloseTo(0, 9);
    });

    it("agrees with the token-bucket specification on random histories", async () => {
      const op = fc.oneof(
        fc.record({ kind: fc.constant("consume" as const), cost: fc.integer({ min: 0, max: 5 }) }),
        fc.record({
          kind: fc.constant("fraction" as const),
          cost: fc.double({ min: 0, max: 5, noNaN: true }),
        }),
        fc.record({ kind: fc.constant("refund" as const), cost: fc.integer({ min: 1, max: 3 }) }),
        fc.record({ kind: fc.constant("wait" as const), ms: fc.integer({ min: 0, max: 3000 }) }),
        fc.record({ kind: fc.constant("back" as const), ms: fc.integer({ min: 1, max: 2000 }) }),
      );
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(one, two), fc.array(op, { maxLength: 40 }), async (limits, ops) => {
          const k = `${key}:model:${run++}`;
          // One fresh store per history: the model follows one key, while a store may carry what it learnt
          // from others (MemoryStore: while the clock is behind a bucket it forgot, new keys start short of
          // full, so that a forgotten bucket cannot come back full).
          const store = await makeStore(clock);
          const consume = (limits: readonly BucketLimit[], cost: number, key: string) =>
            Promise.resolve(store.consume(key, limits, cost, clock.now()));
          let model: BucketState | undefined;
          for (const o of ops) {
            if (o.kind === "wait") clock.set(clock.now() + o.ms);
            else if (o.kind === "back") clock.set(clock.now() - o.ms);
            else if (o.kind === "refund") {
              model = refundBuckets(model, limits, clock.now(), o.cost);
              await store.refund(k, limits, o.cost, clock.now());
            } else {
              const expected = decideBuckets(model, limits, clock.now(), o.cost);
              model = expected.state;
              const actual = await consume(limits, o.cost, k);
              expect(actual.allowed).toBe(expected.allowed);
              actual.tokens.forEach((t, i) => {
                expect(t).toBeCloseTo(expected.tokens[i] as number, 6);
              });
            }
          }
        }),
        { numRuns: options.runs ?? 60 },
      );
    });
  });
}
