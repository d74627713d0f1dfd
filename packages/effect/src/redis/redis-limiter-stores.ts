import { DEFAULT_LIMITER_PREFIX, type RedisStoreOptions, redisStore } from "@goggles/redis-store";
import { Effect, Layer } from "effect";
import { LimiterStores } from "../limit/limiter-stores.js";
import { GogglesRedis } from "./goggles-redis.js";

/** Options of `redisLimiterStores()`: `redisStore`'s, without the client (from `GogglesRedis`). */
export type RedisLimiterStoresOptions = Omit<RedisStoreOptions, "client">;

/**
 * Limiter stores on Redis: each limiter gets `redisStore()` under its own prefix (`prefix` + its store name
 * + `":"`), so several limiters share one Redis without sharing buckets.
 *
 * @example
 * const StoresLive = redisLimiterStores({ timeout: 50 }).pipe(Layer.provide(GogglesRedis.layer(redis)));
 */
export function redisLimiterStores(
  options: RedisLimiterStoresOptions = {},
): Layer.Layer<LimiterStores, never, GogglesRedis> {
  return Layer.effect(
    LimiterStores,
    Effect.map(GogglesRedis, (client) => ({
      make: (name: string) =>
        redisStore({ ...options, client, prefix: `${options.prefix ?? DEFAULT_LIMITER_PREFIX}${name}:` }),
    })),
  );
}
