import {
  isDriverReplyError,
  type RedisArg,
  type RedisDriver,
  type RedisMessageHandler,
  type RedisSetOptions,
  type RedisSubscriberConnection,
  scriptArguments,
  setArguments,
} from "./redis-driver.js";

/**
 * The part of a node-redis (`redis` 4.x–6.x) client goggles uses, described structurally so that
 * `@goggles/redis-store` never imports `redis`. Only standalone clients (`createClient()`) are supported.
 *
 * @example
 * const client: NodeRedisLike = await createClient({ url }).connect();
 */
export interface NodeRedisLike {
  readonly isOpen: boolean;
  sendCommand(args: string[]): Promise<unknown>;
  duplicate(overrides?: Record<string, unknown>): NodeRedisSubscriberLike;
}

/**
 * The part of a node-redis connection used for pub/sub (a `duplicate()` of the user's client).
 *
 * @example
 * const sub: NodeRedisSubscriberLike = client.duplicate();
 */
export interface NodeRedisSubscriberLike {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string, channel: string) => void): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  // biome-ignore lint/suspicious/noExplicitAny: node-redis' listener type varies by event.
  on(event: "error", listener: (...args: any[]) => void): unknown;
  /** node-redis ≥ 5. */
  close?(): Promise<unknown>;
  /** node-redis ≥ 5. */
  destroy?(): void;
  /** node-redis 4. */
  quit?(): Promise<unknown>;
  /** node-redis 4. */
  disconnect?(): Promise<unknown>;
}

/**
 * Whether `value` looks like a node-redis client (`sendCommand()`, `duplicate()` and a boolean `isOpen`).
 *
 * @example
 * if (isNodeRedis(client)) console.log("node-redis, open:", client.isOpen);
 */
export function isNodeRedis(value: unknown): value is NodeRedisLike {
  const candidate = value as Partial<Record<keyof NodeRedisLike, unknown>> | null;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    typeof candidate.sendCommand === "function" &&
    typeof candidate.duplicate === "function" &&
    typeof candidate.isOpen === "boolean" &&
    !isNodeRedisCluster(value)
  );
}

/**
 * Whether `value` is a node-redis cluster (`createCluster()`), whose `sendCommand` takes a routing key first:
 * not supported yet, so `redisClient()` refuses it with a clear `TypeError`.
 *
 * @example
 * if (isNodeRedisCluster(client)) throw new Error("pass a standalone client");
 */
export function isNodeRedisCluster(value: unknown): boolean {
  const candidate = value as { getSlotRandomNode?: unknown } | null;
  return (
    typeof candidate === "object" && candidate !== null && typeof candidate.getSlotRandomNode === "function"
  );
}

/**
 * Wraps a connected node-redis client you own as a `RedisDriver` (call `await client.connect()` first).
 * goggles never closes your client; it only closes the pub/sub `duplicate()` it creates. For fail-fast
 * behaviour create the client with `disableOfflineQueue: true` (commands fail at once while
 * disconnected), and give it an `error` listener, as node-redis requires.
 *
 * @example
 * import { createClient } from "redis";
 * const client = createClient({ url, disableOfflineQueue: true }).on("error", console.error);
 * await client.connect();
 * const redis = redisClient(fromNodeRedis(client));
 */
export function fromNodeRedis(client: NodeRedisLike): RedisDriver {
  return {
    name: "node-redis",
    evalsha: (sha: string, keys: readonly string[], args: readonly RedisArg[]) =>
      client.sendCommand(["EVALSHA", sha, ...scriptArguments(keys, args)]),
    eval: (source: string, keys: readonly string[], args: readonly RedisArg[]) =>
      client.sendCommand(["EVAL", source, ...scriptArguments(keys, args)]),
    set: (key: string, value: string, options?: RedisSetOptions) =>
      client.sendCommand(["SET", key, value, ...setArguments(options)]),
    get: (key: string) => client.sendCommand(["GET", key]),
    del: (keys: readonly string[]) => client.sendCommand(["DEL", ...keys]),
    publish: (channel: string, message: string) => client.sendCommand(["PUBLISH", channel, message]),
    time: () => client.sendCommand(["TIME"]),
    isReplyError: isDriverReplyError,
    async createSubscriber(
      onMessage: RedisMessageHandler,
      onError: (error: unknown) => void,
    ): Promise<RedisSubscriberConnection> {
      // The subscriber queues SUBSCRIBE until it is connected (the caller's timeout bounds the wait);
      // node-redis resubscribes by itself after a reconnect.
      const sub = client.duplicate({ disableOfflineQueue: false });
      sub.on("error", onError);
      sub.connect().catch(onError);
      const listener = (message: string, channel: string) => onMessage(channel, message);
      return {
        async subscribe(channel: string) {
          await sub.subscribe(channel, listener);
        },
        async unsubscribe(channel: string) {
          await sub.unsubscribe(channel);
        },
        async close() {
          if (sub.isReady) {
            try {
              if (typeof sub.close === "function") await sub.close();
              else await sub.quit?.();
              return;
            } catch {
              // fall through to a hard disconnect
            }
          }
          if (!sub.isOpen) return;
          try {
            if (typeof sub.destroy === "function") sub.destroy();
            else await sub.disconnect?.();
          } catch {
            // already closed
          }
        },
      };
    },
  };
}
