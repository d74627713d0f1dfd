import {
  type BreakerStateStore,
  type EventHandler,
  type LimiterStore,
  MemoryReplayStore,
  MemoryStore,
  type ReplayStore,
} from "@goggles/core";
import { redisBreakerStateStore, redisClient, redisReplayStore, redisStore } from "@goggles/redis-store";
import { Redis } from "ioredis";

/** Where the app keeps what must be shared between its instances. */
export interface Stores {
  /** "memory" or "redis": shown in the demo's header. */
  readonly kind: "memory" | "redis";
  readonly limiter: LimiterStore;
  readonly replay: ReplayStore;
  /** Shared breaker state (Redis only: one process needs none). */
  readonly breaker?: BreakerStateStore;
  close(): Promise<void>;
}

/** The embedded defaults: bounded, timer-free stores inside the process. Nothing to run beside the app. */
export function memoryStores(): Stores {
  return {
    kind: "memory",
    limiter: new MemoryStore({ maxKeys: 100_000 }),
    replay: new MemoryReplayStore({ maxKeys: 100_000 }),
    close: async () => {},
  };
}

/**
 * The same stores in Redis, so several instances share rate limits, webhook ids and breaker state.
 * `prefix` keeps runs apart (the demo uses a fresh one per run).
 */
export function redisStores(url: string, options: { prefix?: string; onEvent?: EventHandler } = {}): Stores {
  const connection = new Redis(url, {
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
    lazyConnect: false,
  });
  const client = redisClient(connection, { prefix: options.prefix ?? "families-api:" });
  const breaker = redisBreakerStateStore({ client, onEvent: options.onEvent });
  return {
    kind: "redis",
    limiter: redisStore({ client, prefix: "rl:", onEvent: options.onEvent }),
    replay: redisReplayStore({ client }),
    breaker,
    close: async () => {
      await breaker.dispose();
      await client.close();
      connection.disconnect();
    },
  };
}
