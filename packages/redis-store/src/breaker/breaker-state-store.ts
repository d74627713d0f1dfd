import {
  type BreakerStateStore,
  type Clock,
  type EventHandler,
  emit,
  type ProbeLease,
  type SharedBreakerState,
  systemClock,
} from "@goggles/core";
import {
  isRedisClient,
  type RedisClient,
  type RedisInput,
  type RedisSubscription,
  redisClient,
} from "../client/redis-client.js";
import { defineScript } from "../script/define-script.js";

/** A `BreakerStateStore` over Redis; `dispose()` stops its pub/sub subscription (never your client). */
export interface RedisBreakerStateStore extends BreakerStateStore, AsyncDisposable {
  /**
   * Unsubscribes, and closes the pub/sub connection the store opened when it was given a driver client.
   * Breakers using the store keep working locally. Idempotent.
   */
  dispose(): Promise<void>;
}

/** Options of `redisBreakerStateStore()`. */
export interface RedisBreakerStateStoreOptions {
  /** An ioredis or node-redis client, a `RedisDriver` or a `RedisClient`. Never closed by the store. */
  readonly client: RedisInput;
  /**
   * The longest a breaker may act on a shared state it has not re-read (default 1 000 ms). Pub/sub
   * usually delivers opens and closes at once; this bounds the delay when a message is lost.
   */
  readonly cacheTtlMs?: number;
  /** How long an open nobody closed stays shared after its `until` (default 60 000 ms). */
  readonly lingerMs?: number;
  /** Breaker names cached at most (default 10 000); the least recently used are forgotten. */
  readonly maxKeys?: number;
  /** Reports Redis failures as `store_error` events (the breakers then act locally). */
  readonly onEvent?: EventHandler;
  readonly clock?: Clock;
}

// KEYS[1] = state key. Returns { value or false, pttl }.
const READ = defineScript("return { redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1]) }", {
  name: "breaker-read",
});
// KEYS = probe slot keys; ARGV[1] = token, ARGV[2] = lease ms. Returns the slot taken (1-based) or 0.
const ACQUIRE = defineScript(
  `for i = 1, #KEYS do
  if redis.call('SET', KEYS[i], ARGV[1], 'NX', 'PX', ARGV[2]) then return i end
end
return 0`,
  { name: "breaker-probe-acquire" },
);
// KEYS[1] = probe slot key; ARGV[1] = token. Deletes the slot only if this lease still holds it.
const RELEASE = defineScript(
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
  { name: "breaker-probe-release" },
);

const CHANNEL = "breaker";

interface Cached {
  state: SharedBreakerState | undefined;
  readAt: number;
  reading: boolean;
  /** Bumped by every write and message, so a read that started before one cannot overwrite it. */
  seq: number;
}

interface Message {
  readonly key: string;
  /** ms the breaker stays open from now (open), or absent (closed). */
  readonly openForMs?: number;
}

/**
 * Shares circuit breaker state across every instance using the same Redis, so breakers with the same name
 * open together and probe together:
 *
 * - when one instance trips, it writes the open (with a TTL, so no clock is compared across servers) and
 *   publishes it; the others adopt it on their next call. A lost message is caught by a cached read that is
 *   never older than `cacheTtlMs`, so the delay is bounded.
 * - half-open probes are leased cluster-wide: `halfOpenProbes` slot keys, taken with `SET NX PX` in one
 *   script (the keys share a hash tag: Redis Cluster safe), so N probes means N across all instances.
 * - counting stays local: a closed breaker's call reads only the in-process cache, never Redis.
 * - when Redis fails, reads answer "unknown" and probes are granted locally: breakers degrade to local-only,
 *   never to errors (each failure is reported as a `store_error` event).
 *
 * @example
 * import { Redis } from "ioredis";
 * import { circuitBreaker } from "@goggles/core";
 * const store = redisBreakerStateStore({ client: new Redis(url, { enableOfflineQueue: false }) });
 * const breaker = circuitBreaker({ name: "payments", store, halfOpenProbes: 2 });
 */
export function redisBreakerStateStore(options: RedisBreakerStateStoreOptions): RedisBreakerStateStore {
  const owned = !isRedisClient(options.client);
  const redis: RedisClient = redisClient(options.client);
  const cacheTtlMs = options.cacheTtlMs ?? 1_000;
  const lingerMs = options.lingerMs ?? 60_000;
  const maxKeys = options.maxKeys ?? 10_000;
  const clock = options.clock ?? systemClock;
  const onEvent = options.onEvent;
  const cache = new Map<string, Cached>();
  let subscribed: Promise<RedisSubscription | undefined> | undefined;
  let closed = false;

  const stateKey = (key: string) => `breaker:{${key}}:state`;
  const probeKey = (key: string, i: number) => `breaker:{${key}}:probe:${i}`;
  const failed = (operation: string, fallback: string) => (error: unknown) => {
    emit(onEvent, {
      type: "store_error",
      store: "redis-breaker-state",
      operation,
      errorName: error instanceof Error ? error.name : typeof error,
      fallback,
    });
  };

  const remember = (key: string, state: SharedBreakerState | undefined, now: number): Cached => {
    let entry = cache.get(key);
    if (entry === undefined) {
      if (cache.size >= maxKeys) cache.delete(cache.keys().next().value as string);
      entry = { state, readAt: now, reading: false, seq: 0 };
      cache.set(key, entry);
    } else {
      entry.state = state;
      entry.readAt = now;
      entry.seq++;
    }
    return entry;
  };

  const onMessage = (text: string) => {
    let message: Message;
    try {
      message = JSON.parse(text) as Message;
    } catch {
      return;
    }
    if (typeof message?.key !== "string") return;
    const now = clock.now();
    remember(
      message.key,
      typeof message.openForMs === "number"
        ? { open: true, until: now + message.openForMs }
        : { open: false },
      now,
    );
  };

  const subscribe = () => {
    if (subscribed !== undefined || closed) return;
    subscribed = redis.subscribe(CHANNEL, onMessage).catch((error: unknown) => {
      subscribed = undefined; // try again on a later read
      failed("subscribe", "cached reads only")(error);
      return undefined;
    });
  };

  const refresh = (key: string, entry: Cached) => {
    entry.reading = true;
    const seq = entry.seq;
    const current = () => cache.get(key) === entry && entry.seq === seq;
    redis
      .run(READ, [stateKey(key)])
      .then(
        (reply) => {
          const [value, pttl] = Array.isArray(reply) ? reply : [];
          const now = clock.now();
          let state: SharedBreakerState | undefined;
          if (value === "open" && typeof pttl === "number" && pttl > 0) {
            state = { open: true, until: now + pttl - lingerMs };
          } else if (value === "closed") state = { open: false };
          if (current()) remember(key, state, now);
        },
        (error: unknown) => {
          if (current()) remember(key, undefined, clock.now()); // unknown: act locally
          failed("read", "local breaker")(error);
        },
      )
      .finally(() => {
        entry.reading = false;
      });
  };

  const publish = (message: Message) => {
    redis
      .publish(CHANNEL, JSON.stringify(message))
      .catch(failed("publish", "others see it on their next read"));
  };

  const dispose = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    try {
      await (await subscribed)?.unsubscribe();
      if (owned) await redis.close();
    } catch (error) {
      failed("dispose", "none")(error);
    }
  };

  return {
    dispose,
    [Symbol.asyncDispose]: dispose,

    peek(key, now) {
      subscribe();
      let entry = cache.get(key);
      if (entry === undefined) {
        entry = remember(key, undefined, Number.NEGATIVE_INFINITY);
      } else {
        cache.delete(key);
        cache.set(key, entry);
      }
      if (!entry.reading && now - entry.readAt >= cacheTtlMs) refresh(key, entry);
      return entry.state;
    },

    open(key, until, now) {
      const openForMs = Math.max(0, until - now);
      remember(key, { open: true, until }, now);
      redis
        .set(stateKey(key), "open", { px: Math.max(1, Math.ceil(openForMs + lingerMs)) })
        .then(() => publish({ key, openForMs }), failed("open", "local breaker"));
    },

    close(key) {
      remember(key, { open: false }, clock.now());
      redis
        .set(stateKey(key), "closed", { px: Math.max(1, Math.ceil(lingerMs)) })
        .then(() => publish({ key }), failed("close", "local breaker"));
    },

    async acquireProbe(key, probes, leaseMs): Promise<ProbeLease | undefined> {
      const token = crypto.randomUUID();
      const keys = Array.from({ length: probes }, (_, i) => probeKey(key, i + 1));
      let slot: number;
      try {
        const reply = await redis.run(ACQUIRE, keys, [token, Math.max(1, Math.ceil(leaseMs))]);
        slot = typeof reply === "number" ? reply : Number(reply);
      } catch (error) {
        failed("acquire-probe", "local probe")(error);
        return { release() {} };
      }
      if (!(slot >= 1)) return undefined;
      const held = probeKey(key, slot);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          redis.run(RELEASE, [held], [token]).catch(failed("release-probe", "lease expires"));
        },
      };
    },
  };
}
