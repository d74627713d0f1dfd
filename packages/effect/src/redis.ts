// @goggles/effect/redis: goggles' Redis stores as Layers. Needs @goggles/redis-store.

export type { RedisBreakerStatesOptions } from "./redis/goggles-redis.js";
export { GogglesRedis, redisBreakerStates } from "./redis/goggles-redis.js";
export type { RedisLimiterStoresOptions } from "./redis/redis-limiter-stores.js";
export { redisLimiterStores } from "./redis/redis-limiter-stores.js";
