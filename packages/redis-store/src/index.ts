// @goggles/redis-store: the public API at a glance. Named re-exports only.

// ── Redis client layer ─────────────────────────────────────────────────────────────────────────
export type { IoredisLike, IoredisSubscriberLike } from "./client/ioredis.js";
export { fromIoredis, isIoredis } from "./client/ioredis.js";
export type { NodeRedisLike, NodeRedisSubscriberLike } from "./client/node-redis.js";
export { fromNodeRedis, isNodeRedis, isNodeRedisCluster } from "./client/node-redis.js";
export type {
  RedisClient,
  RedisClientOptions,
  RedisInput,
  RedisSubscription,
} from "./client/redis-client.js";
export {
  DEFAULT_REDIS_PREFIX,
  DEFAULT_REDIS_TIMEOUT_MS,
  isRedisClient,
  redisClient,
  toRedisDriver,
} from "./client/redis-client.js";
export type {
  RedisArg,
  RedisDriver,
  RedisMessageHandler,
  RedisSetOptions,
  RedisSubscriberConnection,
} from "./client/redis-driver.js";
export { isDriverReplyError } from "./client/redis-driver.js";
export { withTimeout } from "./client/with-timeout.js";
export { isRedisCommandError, RedisCommandError } from "./errors/redis-command-error.js";
export { isRedisReplyError, RedisReplyError } from "./errors/redis-reply-error.js";
export { isRedisTimeoutError, RedisTimeoutError } from "./errors/redis-timeout-error.js";
export { isRedisUnavailableError, RedisUnavailableError } from "./errors/redis-unavailable-error.js";
export type { DefineScriptOptions, RedisScript } from "./script/define-script.js";
export { defineScript, scriptSha } from "./script/define-script.js";
export {
  replyArray,
  replyInteger,
  replyNumber,
  replyOptionalString,
  replyString,
  replyTime,
} from "./script/replies.js";
// (end of Redis client layer)

// ── Limiter store ──────────────────────────────────────────────────────────────────────────────
export { hashSlot } from "./limiter/hash-slot.js";
export type {
  RedisLimiterStore,
  RedisStoreOptions,
  StoreErrorFallback,
} from "./limiter/redis-limiter-store.js";
export {
  DEFAULT_LIMITER_PREFIX,
  DEFAULT_LIMITER_TIMEOUT_MS,
  redisStore,
} from "./limiter/redis-limiter-store.js";
// (end of limiter store)

// ── Replay store ───────────────────────────────────────────────────────────────────────────────
export type { RedisReplayStoreOptions } from "./replay-store.js";
export { redisReplayStore } from "./replay-store.js";
// (end of replay store)

// ── Breaker state store ────────────────────────────────────────────────────────────────────────
export type {
  RedisBreakerStateStore,
  RedisBreakerStateStoreOptions,
} from "./breaker/breaker-state-store.js";
export { redisBreakerStateStore } from "./breaker/breaker-state-store.js";
// (end of breaker state store)
