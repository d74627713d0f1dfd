import v8 from "node:v8";
import vm from "node:vm";
import { createLimiter, MemoryStore } from "@goggles/core";
import { MemoryStore as ErlMemoryStore } from "express-rate-limit";
import { RateLimiterMemory } from "rate-limiter-flexible";
import { defineSuite } from "../suite.js";

const KEYS = Array.from({ length: 1000 }, (_, i) => `198.51.${i >> 8}.${i & 255}`);
let i = 0;
const nextKey = () => {
  i = (i + 1) % 1000;
  return KEYS[i] as string;
};

// Limits high enough that every call is admitted: the cost of a decision, not of a refusal. Active clients:
// a key's bucket is not full again by its next request, so its entry stays in the store.
const limiter = createLimiter({ capacity: 1e9, refillPerSecond: 1 });
const tiered = createLimiter({
  limits: { burst: { capacity: 1e9, refillPerSecond: 1 }, daily: { capacity: 1e12, refillPerSecond: 1 } },
});
// Occasional clients: each bucket is full again before the key's next request, so every decision finds no
// entry, inserts one, and the sweep reclaims full ones (the store's churn path).
const occasional = createLimiter({ capacity: 1e9, refillPerSecond: 1e9 });
const rlf = new RateLimiterMemory({ points: 1e9, duration: 1 });
const erl = new ErlMemoryStore();
erl.init({ windowMs: 60_000 } as never);
const map = new Map<string, number>();
const bareMap = async (key: string) => {
  const n = (map.get(key) ?? 0) + 1;
  map.set(key, n);
  return n;
};
// The least any limiter that answers with a fresh result can do: read the clock, find the key's state, and
// return a new object of LimitResult's top-level fields, with no bucket arithmetic and no validation.
// express-rate-limit returns its stored, mutable client object instead (nothing allocated per call).
const states = new Map<string, { hits: number }>();
const freshResultFloor = async (key: string) => {
  const now = Date.now();
  let state = states.get(key);
  if (state === undefined) {
    state = { hits: 0 };
    states.set(key, state);
  }
  state.hits++;
  return {
    allowed: true,
    limit: 1e9,
    remaining: state.hits,
    retryAfterMs: 0,
    resetMs: now & 1023,
    policy: "default",
  };
};

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

function heapUsed(): number {
  for (let k = 0; k < 3; k++) gc();
  return process.memoryUsage().heapUsed;
}

async function bytesPerKey(fill: (key: string) => unknown, count: number): Promise<number> {
  const before = heapUsed();
  for (let k = 0; k < count; k++) await fill(`k:${k}`);
  return (heapUsed() - before) / count;
}

export default defineSuite({
  name: "limiter",
  description:
    "One awaited in-memory rate-limit decision over 1 000 keys (every call admitted): goggles' token bucket against rate-limiter-flexible RateLimiterMemory.consume and express-rate-limit MemoryStore.increment (a fixed-window counter), with a bare awaited Map update as the floor.",
  repeat: 5,
  cases: [
    { name: "bare awaited Map update (floor)", fn: () => bareMap(nextKey()) },
    {
      name: "floor: clock + Map lookup + fresh 6-field result, no arithmetic",
      fn: () => freshResultFloor(nextKey()),
    },
    { name: "goggles createLimiter().consume", fn: () => limiter.consume(nextKey()) },
    { name: "goggles consume, 2 limits (burst + daily)", fn: () => tiered.consume(nextKey()) },
    {
      name: "goggles consume, buckets full again between requests",
      fn: () => occasional.consume(nextKey()),
    },
    {
      name: "rate-limiter-flexible RateLimiterMemory.consume",
      fn: () => rlf.consume(nextKey()),
      peer: "rate-limiter-flexible",
    },
    {
      name: "express-rate-limit MemoryStore.increment",
      fn: () => erl.increment(nextKey()),
      peer: "express-rate-limit",
    },
  ],
  ratios: [
    {
      ours: "goggles createLimiter().consume",
      peer: "rate-limiter-flexible RateLimiterMemory.consume",
      min: 2,
      target: "≥ 2× rate-limiter-flexible",
    },
    {
      ours: "goggles createLimiter().consume",
      peer: "express-rate-limit MemoryStore.increment",
      min: 1 / 1.05,
      target: "no slower than express-rate-limit (within 5%)",
    },
  ],
  teardown() {
    erl.shutdown();
  },
  async facts() {
    const million = 1_000_000;
    const store = new MemoryStore({ maxKeys: million });
    const ours = createLimiter({ capacity: 100, refillPerSecond: 1 / 3600, store });
    const oursBytes = await bytesPerKey((k) => ours.consume(k), million);
    const atCap = store.size;
    for (let k = million; k < 2 * million; k++) await ours.consume(`k:${k}`);
    const afterDouble = store.size;
    const erlStore = new ErlMemoryStore();
    erlStore.init({ windowMs: 3_600_000 } as never);
    const erlBytes = await bytesPerKey((k) => erlStore.increment(k), million);
    erlStore.shutdown();
    const rlfMemory = new RateLimiterMemory({ points: 100, duration: 3600 });
    const rlfBytes = await bytesPerKey((k) => rlfMemory.consume(k), million);
    return {
      "goggles MemoryStore bytes per key (1M keys, key strings included)": oursBytes.toFixed(0),
      "express-rate-limit MemoryStore bytes per key (1M keys)": erlBytes.toFixed(0),
      "rate-limiter-flexible RateLimiterMemory bytes per key (1M keys, one timer each)": rlfBytes.toFixed(0),
      "goggles MemoryStore keys held at maxKeys 1M, after 1M / 2M distinct keys": `${atCap} / ${afterDouble}`,
    };
  },
  notes: [
    "The floor row is the least an async decision that returns a fresh result object can cost here; express-rate-limit returns its stored client object (no allocation), so the floor row shows how close to it a limiter that answers with a new object can come at all.",
    "express-rate-limit counts a fixed window (no refill arithmetic); goggles does a full token bucket with fractional refill, LRU bookkeeping and a result object per call.",
  ],
});
