import { redisUrlForTests } from "@goggles/testkit";
import { Effect, Layer } from "effect";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { limiter } from "../src/limit/limiter.js";
import { GogglesRedis, redisLimiterStores } from "../src/redis.js";

const url = redisUrlForTests();

describe.skipIf(!url)("redisLimiterStores (real redis-server)", () => {
  const redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1 });
  beforeAll(() => redis.ping());
  afterAll(() => redis.quit());
  const prefix = `effect-test:${process.pid}:${Date.now()}:`;
  const RedisLive = GogglesRedis.layer(redis, { prefix });
  const StoresLive = redisLimiterStores({ timeout: 2_000, onStoreError: "deny" }).pipe(
    Layer.provide(RedisLive),
  );

  it("limiters keep their buckets in Redis, each under its own prefix", () =>
    Effect.runPromise(
      Effect.gen(function* () {
        const login = yield* limiter({ name: "login", capacity: 2, refillPerSecond: 0.001 });
        const search = yield* limiter({ name: "search", capacity: 1, refillPerSecond: 0.001 });
        expect((yield* login.consume("ip")).allowed).toBe(true);
        expect((yield* login.consume("ip")).allowed).toBe(true);
        const refused = yield* Effect.flip(login.take("ip"));
        expect(refused._tag).toBe("RateLimitedError");
        expect((yield* search.consume("ip")).allowed).toBe(true);
        const keys = yield* Effect.promise(() => redis.keys(`${prefix}*`));
        expect(keys.some((k) => k.includes("login:"))).toBe(true);
        expect(keys.some((k) => k.includes("search:"))).toBe(true);
        // A second limiter of the same name (another instance) sees the same buckets.
        const again = yield* limiter({ name: "login", capacity: 2, refillPerSecond: 0.001 });
        expect((yield* again.consume("ip")).allowed).toBe(false);
      }).pipe(Effect.provide(StoresLive)),
    ));
});
