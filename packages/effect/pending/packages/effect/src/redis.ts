// @goggles/effect/redis: goggles' Redis stores as Layers. Needs @goggles/redis-store.

export type { RedisBreakerStatesOptions, RedisLimiterStoresOptions } from "./redis/goggles-redis.js";
export { GogglesRedis, redisBreakerStates, redisLimiterStores } from "./redis/goggles-redis.js";
