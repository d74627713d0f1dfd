import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isLimiterInputError } from "../errors/limiter-input-error.js";
import { FakeClock } from "../testing/fake-clock.js";
import { createLimiter } from "./limiter.js";
import { limiterStoreContract } from "./limiter-store.contract.js";
import { consumeOne, MemoryStore } from "./memory-store.js";
import {
  type BucketLimit,
  type BucketState,
  decideBuckets,
  refundBuckets,
  TOKEN_EPSILON,
} from "./token-bucket.js";

limiterStoreContract("MemoryStore", () => new MemoryStore());
limiterStoreContract("MemoryStore with a tiny cap", () => new MemoryStore({ maxKeys: 4 }), { runs: 30 });

const limits: BucketLimit[] = [{ name: "default", capacity: 10, refillPerMs: 10 / 1000 }];

describe("MemoryStore single-limit fast path", () => {
  it("agrees with the specification on random histories (clock going back included)", () => {
    const op = fc.record({
      wait: fc.integer({ min: -2000, max: 3000 }),
      cost: fc.oneof(fc.integer({ min: 0, max: 6 }), fc.double({ min: 0, max: 6, noNaN: true })),
      refund: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 50 }), fc.integer({ min: 1, max: 4 }), (ops, maxKeys) => {
        const limit: BucketLimit = { name: "default", capacity: 6, refillPerMs: 2 / 1000 };
        const store = new MemoryStore({ maxKeys });
        let model: BucketState | undefined;
        let now = 1_764_000_000_000;
        for (const o of ops) {
          now += o.wait;
          if (o.refund) {
            model = refundBuckets(model, [limit], now, o.cost || 1);
            store.refund("k", [limit], o.cost || 1, now);
            continue;
          }
          const expected = decideBuckets(model, [limit], now, o.cost);
          model = expected.state;
          const left = store[consumeOne]("k", limit, o.cost, now);
          expect(store.lastAllowed).toBe(expected.allowed);
          // The store and the specification may differ by the admission slack both apply (TOKEN_EPSILON of
          // the capacity): fast-check found a 5e-10 cost on a capacity of 6, just over 9 decimal places.
          expect(Math.abs(left - (expected.tokens[0] as number))).toBeLessThanOrEqual(
            TOKEN_EPSILON * limit.capacity,
          );
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("MemoryStore bounds", () => {
  it("holds at most maxKeys keys after a million distinct keys", () => {
    const slow: BucketLimit[] = [{ name: "default", capacity: 10, refillPerMs: 1 / 3_600_000 }];
    const store = new MemoryStore({ maxKeys: 10_000 });
    for (let i = 0; i < 1_000_000; i++) store.consume(`k${i}`, slow, 1, i);
    expect(store.size).toBe(10_000);
    // The most recent keys are still known; the oldest were evicted (full again: 10 tokens).
    expect(store.consume("k999999", slow, 0, 1_000_000).tokens[0]).toBeLessThan(10);
    expect(store.consume("k0", slow, 0, 1_000_000).tokens[0]).toBe(10);
  });

  it("reclaims buckets that are full again once half full, before reaching the cap (lazy expiry)", () => {
    const store = new MemoryStore({ maxKeys: 1000 });
    // Each bucket is full again 100 ms after its request; keys arrive 1 ms apart.
    for (let i = 0; i < 100_000; i++) store.consume(`k${i}`, limits, 1, i);
    expect(store.size).toBeLessThanOrEqual(600);
    const small = new MemoryStore({ maxKeys: 1000 });
    for (let i = 0; i < 400; i++) small.consume(`k${i}`, limits, 1, i * 1000);
    expect(small.size).toBe(400); // below half: full entries are kept (no churn), and count as full
    expect(small.consume("k0", limits, 0, 400_000).tokens[0]).toBe(10);
  });

  it("evicts buckets that are full again before the least recently used", () => {
    const strict = new MemoryStore({ maxKeys: 3 });
    strict.consume("attacker", limits, 10, 0); // drained: full again only at 1000
    strict.consume("x", limits, 1, 10); // full again at 110
    strict.consume("y", limits, 1, 20); // full again at 120
    strict.consume("newcomer", limits, 1, 500); // must evict x or y, not the drained LRU "attacker"
    expect(strict.size).toBeLessThanOrEqual(3);
    expect(strict.consume("attacker", limits, 0, 500).tokens[0]).toBeCloseTo(5, 6);
  });

  it("evicts the least recently used when no bucket is full", () => {
    const store = new MemoryStore({ maxKeys: 3 });
    store.consume("a", limits, 5, 0);
    store.consume("b", limits, 5, 0);
    store.consume("c", limits, 5, 0);
    store.consume("a", limits, 0, 1); // touch a: b is now the least recently used
    store.consume("d", limits, 5, 2);
    expect(store.size).toBe(3);
    expect(store.consume("b", limits, 0, 2).tokens[0]).toBe(10); // forgotten
    expect(store.consume("a", limits, 0, 2).tokens[0]).toBeCloseTo(5.02, 6);
  });

  it("never mints tokens when the clock goes back after the sweep forgot a bucket that was full again", async () => {
    // Whatever the sweep forgot at 20 s was full again at 10 s at the latest; back at 1 s, the specification
    // (which keeps state) gives "drained" 1 token, so the store must not answer with more.
    for (const limits of [
      undefined,
      { burst: { capacity: 10, refillPerSecond: 1 }, daily: { capacity: 20, refillPerSecond: 1 } },
    ]) {
      const clock = new FakeClock(0);
      const store = new MemoryStore({ maxKeys: 4 });
      const limiter = createLimiter(
        limits === undefined ? { capacity: 10, refillPerSecond: 1, store, clock } : { limits, store, clock },
      );
      expect((await limiter.consume("drained", 10)).allowed).toBe(true); // full again at 10 s
      clock.set(20_000);
      // New keys past half the cap: each insert sweeps two slots and reclaims "drained".
      for (const key of ["b", "c", "d", "e"]) await limiter.consume(key);
      clock.set(1_000); // the clock steps back 19 s
      const refused = await limiter.consume("drained", 2);
      expect(refused.allowed).toBe(false);
      expect(refused.remaining).toBeLessThanOrEqual(1);
      const peek = await limiter.consume("never-seen", 0);
      expect(peek.remaining).toBeLessThanOrEqual(1); // conservative for any key while the clock is behind
      clock.set(10_000); // from the time the forgotten buckets were full again, new keys are full
      expect((await limiter.consume("another", 0)).remaining).toBe(10);
    }
  });

  it("evicts by an approximate LRU in a large store: a key in use is never evicted, idle ones are", () => {
    const slow: BucketLimit[] = [{ name: "default", capacity: 10, refillPerMs: 1 / 3_600_000 }];
    const store = new MemoryStore({ maxKeys: 500 });
    for (let i = 0; i < 500; i++) store.consume(`idle${i}`, slow, 1, i);
    for (let i = 0; i < 20_000; i++) {
      store.consume("hot", slow, 0.0001, 1000 + i); // used between every two new keys
      store.consume(`new${i}`, slow, 1, 1000 + i);
    }
    expect(store.size).toBe(500);
    // Never evicted: all 20 000 charges of 0.0001 are still there (an eviction would have refilled it).
    expect(store.consume("hot", slow, 0, 30_000).tokens[0]).toBeLessThan(8.05);
    // Each eviction took the least recently used of 32 slots: all the idle keys are gone.
    let idleLeft = 0;
    for (let i = 0; i < 500; i++)
      if ((store.consume(`idle${i}`, slow, 0, 30_000).tokens[0] as number) < 10) idleLeft++;
    expect(idleLeft).toBe(0);
  });

  it("forgets a key whose refund fills it, and keeps nothing for peeks or refusals of unknown keys", () => {
    const store = new MemoryStore();
    store.consume("a", limits, 0, 0);
    expect(store.size).toBe(0);
    store.consume("a", limits, 2, 0);
    store.refund("a", limits, 2, 0);
    expect(store.size).toBe(0);
  });

  it("serves one limiter: a different number of limits is a clear error", () => {
    const store = new MemoryStore();
    store.consume("a", limits, 1, 0);
    const two = [...limits, { name: "daily", capacity: 100, refillPerMs: 1e-3 }];
    expect(() => store.consume("a", two, 1, 0)).toThrowError(/its own store/);
  });

  it("rejects a maxKeys that is not a positive integer", () => {
    for (const maxKeys of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      let error: unknown;
      try {
        new MemoryStore({ maxKeys });
      } catch (e) {
        error = e;
      }
      expect(isLimiterInputError(error)).toBe(true);
    }
  });

  it("clear() forgets everything", () => {
    const store = new MemoryStore();
    store.consume("a", limits, 5, 0);
    store.clear();
    expect(store.size).toBe(0);
    expect(store.consume("a", limits, 0, 0).tokens[0]).toBe(10);
  });
});
