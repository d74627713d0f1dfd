import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isCostExceedsCapacityError } from "../errors/cost-exceeds-capacity-error.js";
import { isLimiterInputError } from "../errors/limiter-input-error.js";
import { FakeClock } from "../testing/fake-clock.js";
import { createLimiter, type LimiterOptions } from "./limiter.js";
import type { LimiterStore, StoreDecision } from "./limiter-store.js";
import { policyResults } from "./policy-results.js";
import { reportBucket } from "./token-bucket.js";

const T0 = 1_764_000_000_000;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

function catchSync(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("createLimiter", () => {
  it("admits a burst of capacity, then refills continuously on the clock", async () => {
    const clock = new FakeClock(T0);
    const limiter = createLimiter({ capacity: 3, refillPerSecond: 2, clock });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await limiter.consume("ip"));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results[2]).toMatchObject({ remaining: 0, retryAfterMs: 0, resetMs: 1500, limit: 3 });
    expect(results[3]).toMatchObject({ allowed: false, remaining: 0, retryAfterMs: 500, resetMs: 1500 });
    await clock.advance(250);
    expect((await limiter.consume("ip")).allowed).toBe(false);
    await clock.advance(250);
    const after = await limiter.consume("ip");
    expect(after).toMatchObject({ allowed: true, remaining: 0, policy: "default" });
  });

  it("reports whole tokens while keeping fractions, and weighs costs", async () => {
    const clock = new FakeClock(T0);
    const limiter = createLimiter({ capacity: 10, refillPerSecond: 1, clock });
    expect((await limiter.consume("k", 2.5)).remaining).toBe(7);
    await clock.advance(600);
    expect((await limiter.consume("k", 0)).remaining).toBe(8); // 8.1
    expect((await limiter.consume("k", 8.1)).allowed).toBe(true);
    expect((await limiter.consume("k", 0.1)).allowed).toBe(false);
  });

  it("cost 0 peeks without charging", async () => {
    const limiter = createLimiter({ capacity: 2, refillPerSecond: 1, clock: new FakeClock(T0) });
    for (let i = 0; i < 5; i++) expect((await limiter.consume("k", 0)).remaining).toBe(2);
  });

  it("a rejected call consumes nothing", async () => {
    const clock = new FakeClock(T0);
    const limiter = createLimiter({ capacity: 5, refillPerSecond: 1, clock });
    await limiter.consume("k", 4);
    for (let i = 0; i < 10; i++) expect((await limiter.consume("k", 3)).allowed).toBe(false);
    expect((await limiter.consume("k", 1)).allowed).toBe(true);
  });

  it("refuses a cost above capacity with a clear error, never overdrawing", async () => {
    const limiter = createLimiter({
      limits: { burst: { capacity: 5, refillPerSecond: 5 }, daily: { capacity: 100, refillPerSecond: 1 } },
    });
    const error = await rejection(limiter.consume("k", 6));
    expect(isCostExceedsCapacityError(error)).toBe(true);
    expect(error).toMatchObject({ cost: 6, capacity: 5, policy: "burst" });
    expect((error as Error).message).toMatch(/could never be admitted/);
    expect((await limiter.consume("k", 0)).remaining).toBe(5);
  });

  it.each([
    ["an empty key", "", 1],
    ["a non-string key", 42 as unknown as string, 1],
    ["a key longer than 1024 characters", "x".repeat(1025), 1],
    ["NaN", "k", Number.NaN],
    ["a negative cost", "k", -1],
    ["an infinite cost", "k", Number.POSITIVE_INFINITY],
    ["a string cost", "k", "1" as unknown as number],
  ])("rejects %s with LimiterInputError", async (_, key, cost) => {
    const limiter = createLimiter({ capacity: 5, refillPerSecond: 1 });
    expect(isLimiterInputError(await rejection(limiter.consume(key, cost)))).toBe(true);
    expect(isLimiterInputError(await rejection(limiter.refund(key, cost)))).toBe(true);
  });

  it.each([
    ["no options", undefined],
    ["a zero capacity", { capacity: 0, refillPerSecond: 1 }],
    ["a NaN refill", { capacity: 1, refillPerSecond: Number.NaN }],
    ["an infinite capacity", { capacity: Number.POSITIVE_INFINITY, refillPerSecond: 1 }],
    ["a negative refill", { capacity: 1, refillPerSecond: -1 }],
    ["empty limits", { limits: {} }],
    ["a limit name with a quote", { limits: { 'a"b': { capacity: 1, refillPerSecond: 1 } } }],
    ["a limit without numbers", { limits: { a: null } }],
  ])("refuses %s at creation", (_, options) => {
    let error: unknown;
    try {
      createLimiter(options as unknown as LimiterOptions);
    } catch (e) {
      error = e;
    }
    expect(isLimiterInputError(error)).toBe(true);
  });

  it("multi-limit: all must allow, a refusal charges none, one store call per decision", async () => {
    const clock = new FakeClock(T0);
    let calls = 0;
    const limiter = createLimiter({
      limits: {
        burst: { capacity: 2, refillPerSecond: 2 },
        daily: { capacity: 3, refillPerSecond: 3 / 86_400 },
      },
      clock,
    });
    const counting: LimiterStore = {
      consume: (...args) => {
        calls++;
        return limiter.store.consume(...args);
      },
      refund: (...args) => limiter.store.refund(...args),
      reset: (key) => limiter.store.reset(key),
    };
    const counted = createLimiter({
      limits: {
        burst: { capacity: 2, refillPerSecond: 2 },
        daily: { capacity: 3, refillPerSecond: 3 / 86_400 },
      },
      clock,
      store: counting,
    });
    expect((await counted.consume("k")).allowed).toBe(true);
    expect(calls).toBe(1);
    const second = await counted.consume("k");
    expect(second).toMatchObject({ allowed: true, policy: "burst", remaining: 0 });
    const third = await counted.consume("k");
    expect(third.allowed).toBe(false);
    expect(third.policy).toBe("burst");
    expect(third.policies.map((p) => [p.name, p.allowed, p.remaining])).toEqual([
      ["burst", false, 0],
      ["daily", true, 1],
    ]);
    await clock.advance(1000); // burst refilled; daily has 1
    const refused = await counted.consume("k", 2);
    expect(refused).toMatchObject({ allowed: false, policy: "daily" });
    expect(refused.policies[0]).toMatchObject({ name: "burst", allowed: true, remaining: 2 });
    expect((await counted.consume("k", 0)).policies.map((p) => p.remaining)).toEqual([2, 1]);
  });

  it("one limit: the result is that limit's view (no policies list); policyResults gives the list for both kinds", async () => {
    const clock = new FakeClock(T0);
    const single = createLimiter({ name: "api", capacity: 2, refillPerSecond: 1, clock });
    await single.consume("k");
    const refused = await single.consume("k", 2);
    expect(refused).toEqual({
      allowed: false,
      limit: 2,
      remaining: 1,
      retryAfterMs: 1000,
      resetMs: 1000,
      policy: "api",
    });
    expect(policyResults(refused)).toEqual([
      { name: "api", allowed: false, limit: 2, remaining: 1, retryAfterMs: 1000, resetMs: 1000 },
    ]);
    const tiered = createLimiter({
      limits: {
        burst: { capacity: 2, refillPerSecond: 2 },
        daily: { capacity: 5, refillPerSecond: 5 / 86_400 },
      },
      clock,
    });
    const both = await tiered.consume("k");
    expect(policyResults(both)).toBe(both.policies);
    expect(both.policies.map((p) => p.name)).toEqual(["burst", "daily"]);
  });

  it("a clock that goes backwards mints no tokens", async () => {
    const clock = new FakeClock(T0);
    const limiter = createLimiter({ capacity: 2, refillPerSecond: 1, clock });
    await limiter.consume("k", 2);
    clock.set(T0 - 60_000);
    expect((await limiter.consume("k")).allowed).toBe(false);
    clock.set(T0 + 999);
    expect((await limiter.consume("k")).allowed).toBe(false);
    clock.set(T0 + 1000);
    expect((await limiter.consume("k")).allowed).toBe(true);
  });

  it("refund and reset", async () => {
    const clock = new FakeClock(T0);
    const limiter = createLimiter({ capacity: 3, refillPerSecond: 0.001, clock });
    await limiter.consume("k", 3);
    await limiter.refund("k");
    expect((await limiter.consume("k", 0)).remaining).toBe(1);
    await limiter.refund("k", 100);
    expect((await limiter.consume("k", 0)).remaining).toBe(3);
    await limiter.consume("k", 3);
    await limiter.reset("k");
    expect((await limiter.consume("k", 0)).remaining).toBe(3);
    expect(isLimiterInputError(await rejection(limiter.reset("")))).toBe(true);
  });

  it("works with an asynchronous store and passes its errors through", async () => {
    const failing: LimiterStore = {
      consume: async (): Promise<StoreDecision> => {
        throw new Error("store down");
      },
      refund: () => {},
      reset: () => {},
    };
    const limiter = createLimiter({ capacity: 1, refillPerSecond: 1, store: failing });
    expect(((await rejection(limiter.consume("k"))) as Error).message).toBe("store down");
    const throwing: LimiterStore = {
      consume: () => {
        throw new Error("sync");
      },
      refund: () => {},
      reset: () => {},
    };
    const sync = createLimiter({ capacity: 1, refillPerSecond: 1, store: throwing });
    expect(((await rejection(sync.consume("k"))) as Error).message).toBe("sync");
  });

  it("consumeNow decides synchronously in memory, exactly as consume does, and throws its errors", async () => {
    for (const options of [
      { capacity: 2, refillPerSecond: 1 },
      {
        limits: { burst: { capacity: 2, refillPerSecond: 1 }, daily: { capacity: 5, refillPerSecond: 0.1 } },
      },
    ] satisfies LimiterOptions[]) {
      const clock = new FakeClock(T0);
      const now = createLimiter({ ...options, clock });
      const later = createLimiter({ ...options, clock });
      for (let i = 0; i < 4; i++) {
        const sync = now.consumeNow("k", 1);
        expect(sync).toEqual(await later.consume("k", 1));
      }
      expect(now.consumeNow("k")?.allowed).toBe(false);
      await clock.advance(1000);
      expect(now.consumeNow("k")?.allowed).toBe(true);
      expect(() => now.consumeNow("")).toThrow(expect.objectContaining({ name: "LimiterInputError" }));
      expect(isCostExceedsCapacityError(catchSync(() => now.consumeNow("k", 3)))).toBe(true);
    }
  });

  it("consumeNow answers undefined for an asynchronous store and charges nothing", async () => {
    let calls = 0;
    const remote: LimiterStore = {
      consume: async (): Promise<StoreDecision> => {
        calls++;
        return { allowed: true, tokens: [0] };
      },
      refund: () => {},
      reset: () => {},
    };
    const limiter = createLimiter({ capacity: 1, refillPerSecond: 1, store: remote });
    expect(limiter.consumeNow("k")).toBeUndefined();
    expect(calls).toBe(0);
    expect(isLimiterInputError(catchSync(() => limiter.consumeNow("k", -1)))).toBe(true);
    expect(isCostExceedsCapacityError(catchSync(() => limiter.consumeNow("k", 2)))).toBe(true);
  });

  it("the reported numbers are those of the specification (reportBucket)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 50 }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        fc.array(
          fc.record({ wait: fc.integer({ min: 0, max: 2000 }), cost: fc.integer({ min: 0, max: 50 }) }),
          {
            maxLength: 20,
          },
        ),
        async (capacity, refillPerSecond, ops) => {
          const clock = new FakeClock(T0);
          const limiter = createLimiter({ capacity, refillPerSecond, clock });
          const [limit] = limiter.limits;
          for (const op of ops) {
            clock.set(clock.now() + op.wait);
            const cost = Math.min(op.cost, capacity);
            const before = (await limiter.store.consume("k", limiter.limits, 0, clock.now()))
              .tokens[0] as number;
            const result = await limiter.consume("k", cost);
            const allowed = before >= cost - 1e-9 * capacity;
            const left = allowed ? before - cost : before;
            expect(result.allowed).toBe(allowed);
            const expected = reportBucket(limit as never, left, cost, allowed);
            expect(result.remaining).toBe(expected.remaining);
            expect(result.retryAfterMs).toBe(expected.retryAfterMs);
            expect(result.resetMs).toBe(expected.resetMs);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
