import { type BucketLimit, createLimiter, type GogglesEvent, MemoryStore, systemClock } from "@goggles/core";
import { FakeClock } from "@goggles/core/testing";
import { redisUrlForTests, startRedisServer } from "@goggles/testkit";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { limiterStoreContract } from "../../core/src/limit/limiter-store.contract.js";
import {
  hashSlot,
  type RedisArg,
  type RedisDriver,
  type RedisStoreOptions,
  redisStore,
  toRedisDriver,
} from "../src/index.js";
import { type DriverHandle, driverCases } from "./drivers.js";

const url = redisUrlForTests();
let unique = 0;
const prefix = (label: string) => `${label}-${process.pid}-${Date.now()}-${unique++}:`;

/** Wraps a driver to count the script calls it sends. */
function counting(driver: RedisDriver) {
  const calls: { command: string; keys: number }[] = [];
  const wrapped: RedisDriver = {
    ...driver,
    evalsha(sha: string, keys: readonly string[], args: readonly RedisArg[]) {
      calls.push({ command: "evalsha", keys: keys.length });
      return driver.evalsha(sha, keys, args);
    },
    eval(source: string, keys: readonly string[], args: readonly RedisArg[]) {
      calls.push({ command: "eval", keys: keys.length });
      return driver.eval(source, keys, args);
    },
  };
  // Scripts that reply bytes go through these when the driver has them (ioredis): counted alike.
  const { evalshaBuffer, evalBuffer } = driver;
  if (evalshaBuffer !== undefined && evalBuffer !== undefined) {
    wrapped.evalshaBuffer = (sha, keys, args) => {
      calls.push({ command: "evalsha", keys: keys.length });
      return evalshaBuffer.call(driver, sha, keys, args);
    };
    wrapped.evalBuffer = (source, keys, args) => {
      calls.push({ command: "eval", keys: keys.length });
      return evalBuffer.call(driver, source, keys, args);
    };
  }
  return { calls, driver: wrapped };
}

const limits: BucketLimit[] = [{ name: "default", capacity: 10, refillPerMs: 1 / 1000 }];

describe("hashSlot", () => {
  it("matches Redis Cluster's CRC16 slots and hash tags", () => {
    expect(hashSlot("123456789")).toBe(12739);
    expect(hashSlot("foo")).toBe(12182);
    expect(hashSlot("{user1000}.following")).toBe(hashSlot("{user1000}.followers"));
    expect(hashSlot("foo{}{bar}")).toBe(hashSlot("foo{}{bar}"));
  });
});

describe.skipIf(!url).each(driverCases)("redisStore over $name", (driverCase) => {
  let handle: DriverHandle;
  const store = (options: Partial<RedisStoreOptions> = {}) =>
    redisStore({ client: handle.client, prefix: prefix("rl"), timeout: 5000, ...options });

  beforeAll(async () => {
    handle = await driverCase.connect(url);
  });
  afterAll(async () => {
    await handle.close();
  });

  describe("contract", () => {
    for (const coalesce of [true, false, "slot"] as const) {
      limiterStoreContract(
        `redisStore (${driverCase.name}, coalesce ${coalesce})`,
        (clock) => store({ clock, coalesce }),
        { runs: coalesce === true ? 40 : 10 },
      );
    }
  });

  it("uses Redis TIME: limiters whose clocks differ by seconds get identical decisions", async () => {
    const shared = { client: handle.client, prefix: prefix("skew"), timeout: 5000 } as const;
    const ahead = { now: () => systemClock.now() + 7_000, sleep: systemClock.sleep };
    const behind = { now: () => systemClock.now() - 7_000, sleep: systemClock.sleep };
    const a = createLimiter({ capacity: 5, refillPerSecond: 0.001, clock: ahead, store: redisStore(shared) });
    const b = createLimiter({
      capacity: 5,
      refillPerSecond: 0.001,
      clock: behind,
      store: redisStore(shared),
    });
    const decisions: boolean[] = [];
    for (let i = 0; i < 8; i++) decisions.push((await (i % 2 ? a : b).consume("k")).allowed);
    expect(decisions).toEqual([true, true, true, true, true, false, false, false]);
    const [ra, rb] = await Promise.all([a.consume("k", 0), b.consume("k", 0)]);
    expect(ra.remaining).toBe(rb.remaining);
    expect(Math.abs(ra.resetMs - rb.resetMs)).toBeLessThan(1000);
  });

  it("coalesces the decisions of one event-loop turn into one script call, exactly", async () => {
    const { calls, driver } = counting(toRedisDriver(handle.client));
    const s = redisStore({ client: driver, prefix: prefix("batch"), timeout: 5000 });
    const limiter = createLimiter({ capacity: 10, refillPerSecond: 0.001, store: s });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => limiter.consume(`k${i % 2}`)));
    expect(results.filter((r) => r.allowed)).toHaveLength(20);
    expect(calls).toEqual([{ command: "evalsha", keys: 50 }]);
  });

  it('coalesce: "slot" sends one call per hash slot, so every call is Cluster safe', async () => {
    const { calls, driver } = counting(toRedisDriver(handle.client));
    const s = redisStore({ client: driver, prefix: `{t${unique++}}`, timeout: 5000, coalesce: "slot" });
    const limiter = createLimiter({ capacity: 10, refillPerSecond: 0.001, store: s });
    // Every key shares the prefix's hash tag: one slot, one call.
    await Promise.all(Array.from({ length: 20 }, (_, i) => limiter.consume(`k${i}`)));
    expect(calls).toEqual([{ command: "evalsha", keys: 20 }]);
    const untagged = counting(toRedisDriver(handle.client));
    const spread = redisStore({
      client: untagged.driver,
      prefix: prefix("slots"),
      timeout: 5000,
      coalesce: "slot",
    });
    const keys = ["a", "b", "c", "d", "e", "f"];
    const slots = new Set(keys.map((k) => hashSlot(spread.prefix + k)));
    await Promise.all(keys.map((k) => spread.consume(k, limits, 1, 0)));
    expect(untagged.calls).toHaveLength(slots.size);
    expect(untagged.calls.reduce((n, c) => n + c.keys, 0)).toBe(keys.length);
  });

  it("sends one key per call without coalescing, and reloads scripts after SCRIPT FLUSH", async () => {
    const { calls, driver } = counting(toRedisDriver(handle.client));
    const s = redisStore({ client: driver, prefix: prefix("single"), timeout: 5000, coalesce: false });
    await s.consume("a", limits, 1, 0);
    await handle.command(["SCRIPT", "FLUSH"]);
    const d = await s.consume("a", limits, 1, 0);
    expect(d.allowed).toBe(true);
    expect(d.tokens[0]).toBeCloseTo(8, 0);
    expect(calls.map((c) => [c.command, c.keys])).toEqual([
      ["evalsha", 1],
      ["evalsha", 1],
      ["eval", 1],
    ]);
  });

  it("expires a key once its buckets are full again, and deletes it when a refund fills it", async () => {
    const s = store({});
    const fast: BucketLimit[] = [{ name: "default", capacity: 2, refillPerMs: 2 / 1000 }];
    await s.consume("k", fast, 1, 0);
    const ttl = Number(await handle.command(["PTTL", `${s.prefix}k`]));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1500);
    await s.refund("k", fast, 1, 0);
    expect(Number(await handle.command(["EXISTS", `${s.prefix}k`]))).toBe(0);
  });

  it("keeps all limits of a key in one string key, and changing the limits starts full", async () => {
    const s = store({});
    const two: BucketLimit[] = [
      { name: "burst", capacity: 5, refillPerMs: 5 / 1000 },
      { name: "daily", capacity: 100, refillPerMs: 100 / 86_400_000 },
    ];
    await s.consume("k", two, 2, 0);
    expect(await handle.command(["TYPE", `${s.prefix}k`])).toBe("string");
    // `at`, two limits' tokens, `expiresAt`: four doubles.
    expect(Number(await handle.command(["STRLEN", `${s.prefix}k`]))).toBe(32);
    expect((await s.consume("k", limits, 0, 0)).tokens).toEqual([10]);
    await s.reset("k");
    expect(Number(await handle.command(["EXISTS", `${s.prefix}k`]))).toBe(0);
  });

  it("sets a key's TTL only when its buckets would outlive it: to full + max(1 s, 1/8 of the wait)", async () => {
    const s = store({ clock: new FakeClock(0) });
    const pttl = async () => Number(await handle.command(["PTTL", `${s.prefix}k`]));
    // 10 tokens, 10/s: one token is full again in 100 ms; the TTL is set to 100 + 1000 ms.
    const ten: BucketLimit[] = [{ name: "default", capacity: 10, refillPerMs: 10 / 1000 }];
    await s.consume("k", ten, 1, 0);
    const first = await pttl();
    expect(first).toBeGreaterThan(1000);
    expect(first).toBeLessThanOrEqual(1100);
    // Nine more tokens: full again at 1000 ms, still before the TTL ends, so the TTL is kept (not raised).
    await s.consume("k", ten, 9, 0);
    const kept = await pttl();
    expect(kept).toBeLessThanOrEqual(first);
    expect(kept).toBeGreaterThan(1000);
    // A slow limit: 80 000 s until full again, so the margin is 1/8 of it (10 000 s).
    const slow: BucketLimit[] = [{ name: "default", capacity: 100_000, refillPerMs: 1 / 1000 }];
    await s.consume("slow", slow, 80_000, 0);
    const ttl = Number(await handle.command(["PTTL", `${s.prefix}slow`]));
    expect(ttl).toBeGreaterThan(90_000_000 - 1000);
    expect(ttl).toBeLessThanOrEqual(90_000_000);
  });

  it("reads a key written without its TTL deadline (earlier versions) and sets the TTL anew", async () => {
    const s = store({ clock: new FakeClock(0) });
    const key = `${s.prefix}old`;
    // An earlier version's value: `at` and the tokens only (16 bytes), here 4 tokens at time 0, no TTL.
    await handle.command(["EVAL", "redis.call('SET', KEYS[1], struct.pack('<dd', 0, 4))", "1", key]);
    const d = await s.consume("old", limits, 1, 0);
    expect(d).toEqual({ allowed: true, tokens: [3] });
    expect(Number(await handle.command(["STRLEN", key]))).toBe(24);
    const ttl = Number(await handle.command(["PTTL", key]));
    expect(ttl).toBeGreaterThan(7000);
    expect(ttl).toBeLessThanOrEqual(8000);
  });

  it("sends one cost for a batch whose costs are equal, and each key its own otherwise", async () => {
    const s = store({});
    const [a, b] = await Promise.all([s.consume("x", limits, 2, 0), s.consume("y", limits, 3, 0)]);
    expect([a.tokens[0], b.tokens[0]].map((x) => Math.round(x ?? Number.NaN))).toEqual([8, 7]);
    const [c, d] = await Promise.all([s.consume("x", limits, 1, 0), s.consume("y", limits, 1, 0)]);
    expect([c.tokens[0], d.tokens[0]].map((x) => Math.round(x ?? Number.NaN))).toEqual([7, 6]);
  });

  it("answers a malformed script reply with the fallback and a store_error event, never a rejection", async () => {
    const events: GogglesEvent[] = [];
    let reply: unknown;
    const answer = async () => reply;
    const garbled: RedisDriver = {
      ...toRedisDriver(handle.client),
      evalsha: answer,
      eval: answer,
      evalshaBuffer: answer,
      evalBuffer: answer,
    };
    const s = redisStore({
      client: garbled,
      prefix: prefix("garbled"),
      timeout: 5000,
      onStoreError: "deny",
      breaker: false,
      onEvent: (e) => events.push(e),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.anything(), fc.uint8Array({ maxLength: 40 }), fc.array(fc.integer(), { maxLength: 6 })),
        async (value) => {
          // One decision of one limit is 9 bytes (allowed + a double) or 3 integers: the forms that can be right.
          fc.pre(
            !(value instanceof Uint8Array && value.length === 9) &&
              !(Array.isArray(value) && value.length === 3),
          );
          reply = value;
          events.length = 0;
          expect(await s.consume("k", limits, 1, 0)).toEqual({ allowed: false, tokens: [0] });
          expect(events).toMatchObject([
            { type: "store_error", errorName: "RedisReplyError", fallback: "deny" },
          ]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("answers refused keys locally with the block cache until they could pass", async () => {
    const { calls, driver } = counting(toRedisDriver(handle.client));
    const clock = new FakeClock(1_764_000_000_000);
    const s = redisStore({ client: driver, prefix: prefix("block"), timeout: 5000, blockCache: true, clock });
    const limiter = createLimiter({ capacity: 2, refillPerSecond: 1, store: s, clock });
    await limiter.consume("k", 2);
    expect((await limiter.consume("k")).allowed).toBe(false);
    const before = calls.length;
    for (let i = 0; i < 20; i++) {
      const r = await limiter.consume("k");
      expect(r.allowed).toBe(false);
      expect(r.retryAfterMs).toBe(1000);
    }
    expect(calls.length).toBe(before);
    await clock.advance(1000);
    expect((await limiter.consume("k")).allowed).toBe(true);
    expect(calls.length).toBe(before + 1);
  });
});

describe.skipIf(!url)("redisStore when Redis fails", () => {
  const hanging: RedisDriver = {
    name: "hanging",
    evalsha: () => new Promise(() => {}),
    eval: () => new Promise(() => {}),
    set: () => new Promise(() => {}),
    get: () => new Promise(() => {}),
    del: () => new Promise(() => {}),
    publish: () => new Promise(() => {}),
    time: () => new Promise(() => {}),
    createSubscriber: () => new Promise(() => {}),
  };

  it.each([
    ["deny", false],
    ["allow", true],
  ] as const)("a hanging Redis: the timeout answers with %s", async (onStoreError, allowed) => {
    const events: GogglesEvent[] = [];
    const s = redisStore({ client: hanging, timeout: 20, onStoreError, onEvent: (e) => events.push(e) });
    const limiter = createLimiter({ capacity: 5, refillPerSecond: 1, store: s });
    const results = await Promise.all([limiter.consume("a"), limiter.consume("b")]);
    expect(results.map((r) => r.allowed)).toEqual([allowed, allowed]);
    expect(events[0]).toEqual({
      type: "store_error",
      store: "redis-limiter",
      operation: "consume",
      errorName: "RedisTimeoutError",
      fallback: onStoreError,
    });
  });

  it("goes through the core circuit breaker: once open, decisions skip Redis and the timeout entirely", async () => {
    let calls = 0;
    const counted: RedisDriver = {
      ...hanging,
      evalsha: () => {
        calls++;
        return new Promise(() => {});
      },
    };
    const events: GogglesEvent[] = [];
    const s = redisStore({
      client: counted,
      timeout: 20,
      coalesce: false,
      onStoreError: "deny",
      onEvent: (e) => events.push(e),
    });
    const limiter = createLimiter({ capacity: 5, refillPerSecond: 1, store: s });
    for (let i = 0; i < 5; i++) expect((await limiter.consume("k")).allowed).toBe(false);
    expect(calls).toBe(5);
    expect(events.some((e) => e.type === "breaker_opened" && e.breaker === "redis-limiter")).toBe(true);
    for (let i = 0; i < 20; i++) expect((await limiter.consume("k")).allowed).toBe(false);
    expect(calls).toBe(5);
    expect(events.at(-1)).toMatchObject({
      type: "store_error",
      errorName: "BrokenCircuitError",
      fallback: "deny",
    });
  });

  it("an insurance MemoryStore decides while Redis is down, and Redis takes over again by itself", async () => {
    const server = await startRedisServer();
    const [driverCase] = driverCases;
    const handle = await (driverCase as (typeof driverCases)[number]).connect(server.url);
    try {
      const events: GogglesEvent[] = [];
      const limiter = createLimiter({
        capacity: 3,
        refillPerSecond: 0.001,
        store: redisStore({
          client: handle.client,
          timeout: 200,
          onStoreError: new MemoryStore(),
          onEvent: (e) => events.push(e),
        }),
      });
      expect((await limiter.consume("k", 3)).allowed).toBe(true);
      await server.stop();
      // The insurance store starts full: 3 local admissions, then refusals.
      const down = [];
      for (let i = 0; i < 4; i++) down.push((await limiter.consume("k")).allowed);
      expect(down).toEqual([true, true, true, false]);
      const storeErrors = events.filter((e) => e.type === "store_error");
      expect(storeErrors.length).toBeGreaterThanOrEqual(4);
      expect(storeErrors.every((e) => e.fallback === "insurance")).toBe(true);
      await server.start();
      let recovered = false;
      for (let i = 0; i < 200 && !recovered; i++) {
        await new Promise((r) => setTimeout(r, 25));
        const before = events.filter((e) => e.type === "store_error").length;
        await limiter.consume("other", 0);
        recovered = events.filter((e) => e.type === "store_error").length === before;
      }
      expect(recovered).toBe(true);
      // Redis restarted empty: its bucket for "k" is full again.
      expect((await limiter.consume("k", 3)).allowed).toBe(true);
    } finally {
      await handle.close();
      await server.stop();
    }
  });
});
