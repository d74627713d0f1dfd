import {
  type RedisBreakerStateStoreOptions,
  type RedisClient,
  type RedisClientOptions,
  type RedisInput,
  redisBreakerStateStore,
  redisClient,
} from "@goggles/redis-store";
import { Context, Effect, Layer } from "effect";
import { BreakerStates } from "../policy/breaker-states.js";

/**
 * The goggles Redis client layer (`redisClient()` of `@goggles/redis-store`) as a service. `GogglesRedis.layer`
 * wraps your ioredis or node-redis client; the wrapper is closed when the layer's scope closes, your client
 * never is.
 *
 * @example
 * const RedisLive = GogglesRedis.layer(new Redis(process.env.REDIS_URL));
 */
export class GogglesRedis extends Context.Service<GogglesRedis, RedisClient>()(
  "@goggles/effect/GogglesRedis",
) {
  /** A layer holding `redisClient(input, options)`; closes that wrapper (only) on release. */
  static layer(input: RedisInput, options?: RedisClientOptions): Layer.Layer<GogglesRedis> {
    return Layer.effect(
      GogglesRedis,
      Effect.acquireRelease(
        Effect.sync(() => redisClient(input, options)),
        (client) => (client === input ? Effect.void : Effect.promise(() => client.close())),
      ),
    );
  }
}

/** Options of `redisBreakerStates()`: `redisBreakerStateStore`'s, without the client. */
export type RedisBreakerStatesOptions = Omit<RedisBreakerStateStoreOptions, "client">;

/**
 * Breaker state shared through Redis (`redisBreakerStateStore()`): breakers with the same name on every
 * instance open and close together.
 *
 * @example
 * const BreakersLive = redisBreakerStates().pipe(Layer.provide(GogglesRedis.layer(redis)));
 */
export function redisBreakerStates(
  options: RedisBreakerStatesOptions = {},
): Layer.Layer<BreakerStates, never, GogglesRedis> {
  return Layer.effect(
    BreakerStates,
    Effect.map(GogglesRedis, (client) => redisBreakerStateStore({ ...options, client })),
  );
}
