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
 * The part of an ioredis (5.x, 6.x) `Redis` instance goggles uses: described structurally so that
 * `@goggles/redis-store` never imports ioredis, and users of node-redis need not install it.
 *
 * @example
 * const client: IoredisLike = new Redis(url);
 */
export interface IoredisLike {
  /** `"wait"`, `"connecting"`, `"ready"`, `"reconnecting"`, `"end"`, … */
  readonly status: string;
  call(command: string, ...args: string[]): Promise<unknown>;
  /** `call` with bulk strings answered as `Buffer`s (every ioredis version has it). */
  callBuffer?(command: string, ...args: string[]): Promise<unknown>;
  duplicate(override?: Record<string, unknown>): IoredisSubscriberLike;
}

/**
 * The part of an ioredis connection used for pub/sub (a `duplicate()` of the user's client).
 *
 * @example
 * const sub: IoredisSubscriberLike = new Redis(url).duplicate();
 */
export interface IoredisSubscriberLike {
  readonly status: string;
  subscribe(...channels: string[]): Promise<unknown>;
  unsubscribe(...channels: string[]): Promise<unknown>;
  // biome-ignore lint/suspicious/noExplicitAny: ioredis' listener type is `(...args: any[]) => void`.
  on(event: string, listener: (...args: any[]) => void): unknown;
  quit(): Promise<unknown>;
  disconnect(reconnect?: boolean): void;
}

/**
 * Whether `value` looks like an ioredis client (`call()`, `duplicate()` and a string `status`).
 *
 * @example
 * if (isIoredis(client)) console.log("ioredis", client.status);
 */
export function isIoredis(value: unknown): value is IoredisLike {
  const candidate = value as Partial<Record<keyof IoredisLike, unknown>> | null;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    typeof candidate.call === "function" &&
    typeof candidate.duplicate === "function" &&
    typeof candidate.status === "string"
  );
}

/**
 * Wraps an ioredis client you own as a `RedisDriver`. goggles never closes your client; it only closes the
 * pub/sub `duplicate()` it creates. For fail-fast behaviour create the client with
 * `enableOfflineQueue: false` (commands fail at once while disconnected) and a small
 * `maxRetriesPerRequest` (commands in flight when the connection drops fail after that many reconnects).
 *
 * @example
 * import { Redis } from "ioredis";
 * const driver = fromIoredis(new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }));
 * const redis = redisClient(driver, { prefix: "app:" });
 */
export function fromIoredis(client: IoredisLike): RedisDriver {
  const callBuffer = client.callBuffer?.bind(client);
  return {
    name: "ioredis",
    ...(callBuffer === undefined
      ? {}
      : {
          evalshaBuffer: (sha: string, keys: readonly string[], args: readonly RedisArg[]) =>
            callBuffer("EVALSHA", sha, ...scriptArguments(keys, args)),
          evalBuffer: (source: string, keys: readonly string[], args: readonly RedisArg[]) =>
            callBuffer("EVAL", source, ...scriptArguments(keys, args)),
        }),
    evalsha: (sha: string, keys: readonly string[], args: readonly RedisArg[]) =>
      client.call("EVALSHA", sha, ...scriptArguments(keys, args)),
    eval: (source: string, keys: readonly string[], args: readonly RedisArg[]) =>
      client.call("EVAL", source, ...scriptArguments(keys, args)),
    set: (key: string, value: string, options?: RedisSetOptions) =>
      client.call("SET", key, value, ...setArguments(options)),
    get: (key: string) => client.call("GET", key),
    del: (keys: readonly string[]) => client.call("DEL", ...keys),
    publish: (channel: string, message: string) => client.call("PUBLISH", channel, message),
    time: () => client.call("TIME"),
    isReplyError: isDriverReplyError,
    async createSubscriber(
      onMessage: RedisMessageHandler,
      onError: (error: unknown) => void,
    ): Promise<RedisSubscriberConnection> {
      // The subscriber queues SUBSCRIBE until it is connected (the caller's timeout bounds the wait) and
      // resubscribes by itself after a reconnect.
      const sub = client.duplicate({ enableOfflineQueue: true, autoResubscribe: true });
      sub.on("error", onError);
      sub.on("message", (channel: unknown, message: unknown) => {
        if (typeof channel === "string" && typeof message === "string") onMessage(channel, message);
      });
      return {
        async subscribe(channel: string) {
          await sub.subscribe(channel);
        },
        async unsubscribe(channel: string) {
          await sub.unsubscribe(channel);
        },
        async close() {
          if (sub.status === "ready") {
            try {
              await sub.quit();
              return;
            } catch {
              // fall through to a hard disconnect
            }
          }
          sub.disconnect(false);
        },
      };
    },
  };
}
