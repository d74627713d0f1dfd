// @goggles/effect/redis: goggles' Redis stores as Layers. Needs @goggles/redis-store.

export type { RedisBreakerStatesOptions } from "./redis/goggles-redis.js";
export { GogglesRedis, redisBreakerStates } from "./redis/goggles-redis.js";
