import { createLimiter, type Limiter } from "@goggles/core";
import { redisStore } from "@goggles/redis-store";
import { type RedisServer, startRedisServer } from "@goggles/testkit";
import { Redis } from "ioredis";
import { RateLimiterRedis } from "rate-limiter-flexible";
import { defineSuite } from "../suite.js";

const IN_FLIGHT = 64;
const KEYS = Array.from({ length: 1000 }, (_, i) => `198.51.${i >> 8}.${i & 255}`);
let i = 0;
const nextKey = () => {
  i = (i + 1) % 1000;
  return KEYS[i] as string;
};

let server: RedisServer | undefined;
let redis: Redis;
let coalesced: Limiter;
let single: Limiter;
let rlf: RateLimiterRedis;

/** 64 decisions in flight at once; the case's time is for all 64. */
function burst(decide: (key: string) => Promise<unknown>): Promise<unknown> {
  const calls: Promise<unknown>[] = [];
  for (let k = 0; k < IN_FLIGHT; k++) calls.push(decide(nextKey()));
  return Promise.all(calls);
}

export default defineSuite({
  name: "limiter-redis",
  description: `Rate-limit decisions on one local Redis (a private redis-server), ${IN_FLIGHT} in flight per measured call (times are for all ${IN_FLIGHT}), 1 000 keys, every call admitted: goggles' token-bucket script (coalesced per event-loop turn, and one EVALSHA per decision) against rate-limiter-flexible RateLimiterRedis.consume, all over ioredis.`,
  repeat: 3,
  async setup() {
    server = process.env.REDIS_URL ? undefined : await startRedisServer();
    redis = new Redis(process.env.REDIS_URL ?? (server as RedisServer).url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
    await new Promise((resolve) => redis.once("ready", resolve));
    const limits = { capacity: 1e9, refillPerSecond: 1 } as const;
    coalesced = createLimiter({
      ...limits,
      store: redisStore({ client: redis, prefix: "bench-c:", timeout: 5000 }),
    });
    single = createLimiter({
      ...limits,
      store: redisStore({ client: redis, prefix: "bench-s:", timeout: 5000, coalesce: false }),
    });
    rlf = new RateLimiterRedis({ storeClient: redis, points: 1e9, duration: 3600, keyPrefix: "bench-rlf" });
    await coalesced.consume("warm");
    await single.consume("warm");
    await rlf.consume("warm");
  },
  async teardown() {
    redis.disconnect();
    await server?.stop();
  },
  cases: [
    { name: "goggles redisStore, coalesced (64 in flight)", fn: () => burst((k) => coalesced.consume(k)) },
    {
      name: "goggles redisStore, one EVALSHA each (64 in flight)",
      fn: () => burst((k) => single.consume(k)),
    },
    {
      name: "rate-limiter-flexible RateLimiterRedis.consume (64 in flight)",
      fn: () => burst((k) => rlf.consume(k)),
      peer: "rate-limiter-flexible",
    },
  ],
  ratios: [
    {
      ours: "goggles redisStore, coalesced (64 in flight)",
      peer: "rate-limiter-flexible RateLimiterRedis.consume (64 in flight)",
      min: 1.5,
      target: "≥ 1.5× rate-limiter-flexible RateLimiterRedis",
    },
    {
      ours: "goggles redisStore, one EVALSHA each (64 in flight)",
      peer: "rate-limiter-flexible RateLimiterRedis.consume (64 in flight)",
    },
  ],
  notes: [
    'Coalescing sends the decisions of one event-loop turn as one script call over several keys; on Redis Cluster use `coalesce: "slot"` (grouped by hash slot) or `false`.',
  ],
});
