import { type Clock, isGogglesError, systemClock } from "@goggles/core";
import { isRedisCommandError, RedisCommandError } from "../errors/redis-command-error.js";
import { RedisUnavailableError } from "../errors/redis-unavailable-error.js";
import type { RedisScript } from "../script/define-script.js";
import { replyInteger, replyOptionalString, replyTime } from "../script/replies.js";
import { fromIoredis, type IoredisLike, isIoredis } from "./ioredis.js";
import { fromNodeRedis, isNodeRedis, isNodeRedisCluster, type NodeRedisLike } from "./node-redis.js";
import type { RedisArg, RedisDriver, RedisSetOptions, RedisSubscriberConnection } from "./redis-driver.js";
import { withTimeout } from "./with-timeout.js";

/** The key prefix used when none is given. @example redisClient(client).prefix === DEFAULT_REDIS_PREFIX; */
export const DEFAULT_REDIS_PREFIX = "goggles:";
/** The per-call timeout used when none is given, in milliseconds. @example redisClient(client).timeout === DEFAULT_REDIS_TIMEOUT_MS; */
export const DEFAULT_REDIS_TIMEOUT_MS = 1_000;

/**
 * Options of `redisClient()`.
 *
 * @example
 * const options: RedisClientOptions = { prefix: "myapp:", timeout: 250, onError: console.error };
 */
export interface RedisClientOptions {
  /**
   * Put in front of every key and pub/sub channel the layer sends (default `"goggles:"`). Use `""` for
   * none. Independent of ioredis' own `keyPrefix`, which ioredis would add on top.
   */
  prefix?: string;
  /**
   * Milliseconds a call may take before it rejects with `RedisTimeoutError` (default `1000`); `0` or
   * `Infinity` turns the timeout off. A timed-out command may still run on the server.
   */
  timeout?: number;
  /** The clock that measures timeouts (default `systemClock`). */
  clock?: Clock;
  /**
   * Errors the layer cannot hand to a caller: the pub/sub connection's connection errors and throws from
   * subscription listeners (default: ignored).
   */
  onError?: (error: unknown) => void;
}

/**
 * A live subscription made by `RedisClient.subscribe()`.
 *
 * @example
 * const subscription = await redis.subscribe("breaker", onMessage);
 * await subscription.unsubscribe();
 */
export interface RedisSubscription {
  /** The channel as given to `subscribe()` (without the prefix). */
  readonly channel: string;
  /** Stops delivering to this listener; the channel is unsubscribed when its last listener leaves. */
  unsubscribe(): Promise<void>;
}

/**
 * The Redis layer every goggles store builds on: scripts by SHA, a few plain commands, pub/sub on a
 * second connection, a key prefix and a per-call timeout, over ioredis, node-redis or your own
 * `RedisDriver`. Errors are typed: `RedisTimeoutError`, `RedisUnavailableError`, `RedisCommandError`
 * (and `RedisReplyError` from the reply helpers).
 *
 * Ownership: the layer never closes the client you gave it. `close()` (or `await using`) closes only what
 * the layer created itself: the pub/sub connection, opened lazily by the first `subscribe()`.
 *
 * @example
 * const redis: RedisClient = redisClient(ioredis, { prefix: "myapp:" });
 * const now = await redis.time();
 */
export interface RedisClient extends AsyncDisposable {
  /** The driver wrapper commands go through. */
  readonly driver: RedisDriver;
  /** The key and channel prefix. */
  readonly prefix: string;
  /** The per-call timeout in milliseconds (`0`: none). */
  readonly timeout: number;
  /** Whether `close()` was called. */
  readonly closed: boolean;
  /** `name` with the prefix, as it is stored in Redis. */
  key(name: string): string;
  /**
   * Runs a script: `EVALSHA`, then `EVAL` only if Redis answers `NOSCRIPT`. Any other failure is thrown
   * as is and never retried, so a script that counts or decides runs at most once per call.
   * Keys are prefixed; arguments are not.
   */
  run(script: RedisScript, keys: readonly string[], args?: readonly RedisArg[]): Promise<unknown>;
  /** Whether the driver can answer a script's bulk strings as bytes (`runForBytes`). */
  readonly bytesReplies: boolean;
  /**
   * `run`, with the script's bulk strings answered as bytes (a `Uint8Array`) instead of text: for scripts
   * that reply packed binary data. Throws `TypeError` when the driver cannot (`bytesReplies` is false).
   */
  runForBytes(script: RedisScript, keys: readonly string[], args?: readonly RedisArg[]): Promise<unknown>;
  /** `SET` (prefixed key): `true` when the value was written, `false` when `nx` found the key. */
  set(key: string, value: string, options?: RedisSetOptions): Promise<boolean>;
  /** `GET` (prefixed key): `undefined` when missing. */
  get(key: string): Promise<string | undefined>;
  /** `DEL` (prefixed keys): how many keys were removed. */
  del(...keys: string[]): Promise<number>;
  /** `PUBLISH` on the prefixed channel: how many subscribers received it. */
  publish(channel: string, message: string): Promise<number>;
  /**
   * Subscribes `listener` to the prefixed channel on the layer's own pub/sub connection (created on first
   * use with the driver's `duplicate()`; the driver resubscribes after a reconnect). Resolves once Redis
   * confirmed the subscription.
   */
  subscribe(channel: string, listener: (message: string) => void): Promise<RedisSubscription>;
  /** Redis `TIME` in milliseconds since the epoch (fractional): one clock for every app server. */
  time(): Promise<number>;
  /** Closes the connections the layer created (not yours); later calls reject with `RedisUnavailableError`. Idempotent. */
  close(): Promise<void>;
}

/**
 * What `redisClient()` accepts: an ioredis client, a node-redis client, a `RedisDriver` or a `RedisClient`.
 *
 * @example
 * interface MyStoreOptions { client: RedisInput; prefix?: string }
 */
export type RedisInput = IoredisLike | NodeRedisLike | RedisDriver | RedisClient;

const CLIENT_BRAND: unique symbol = Symbol.for("goggles.redis-client") as never;

/**
 * Whether `value` is a `RedisClient` made by any copy of `@goggles/redis-store`.
 *
 * @example
 * const redis = isRedisClient(input) ? input : redisClient(input);
 */
export function isRedisClient(value: unknown): value is RedisClient {
  return (
    typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[CLIENT_BRAND] === true
  );
}

function isRedisDriver(value: unknown): value is RedisDriver {
  const candidate = value as Partial<Record<keyof RedisDriver, unknown>> | null;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    typeof candidate.evalsha === "function" &&
    typeof candidate.eval === "function" &&
    typeof candidate.createSubscriber === "function" &&
    typeof candidate.time === "function"
  );
}

/**
 * Wraps whatever Redis client the user has as a `RedisDriver`: ioredis, node-redis or a driver already.
 * Throws a `TypeError` for anything else.
 *
 * @example
 * const driver = toRedisDriver(new Redis(url)); // driver.name === "ioredis"
 */
export function toRedisDriver(input: IoredisLike | NodeRedisLike | RedisDriver): RedisDriver {
  if (isRedisDriver(input)) return input;
  if (isIoredis(input)) return fromIoredis(input);
  if (isNodeRedis(input)) return fromNodeRedis(input);
  if (isNodeRedisCluster(input)) {
    throw new TypeError(
      "node-redis clusters (createCluster()) are not supported yet: pass a standalone client.",
    );
  }
  throw new TypeError(
    "Expected an ioredis client, a node-redis client (createClient()), or a RedisDriver from @goggles/redis-store.",
  );
}

const LOOKS_LIKE_REPLY = /^[A-Z][A-Z_-]* /;

interface Channel {
  readonly listeners: Set<{ readonly listener: (message: string) => void }>;
  readonly ready: Promise<void>;
}

class GogglesRedisClient implements RedisClient {
  readonly [CLIENT_BRAND] = true as const;
  readonly driver: RedisDriver;
  readonly prefix: string;
  readonly timeout: number;
  readonly #clock: Clock;
  readonly #onError: (error: unknown) => void;
  #closed = false;
  #subscriber: Promise<RedisSubscriberConnection> | undefined;
  readonly #channels = new Map<string, Channel>();

  constructor(driver: RedisDriver, options: RedisClientOptions) {
    const prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
    const timeout = options.timeout ?? DEFAULT_REDIS_TIMEOUT_MS;
    if (typeof prefix !== "string") throw new TypeError("redisClient: prefix must be a string.");
    if (typeof timeout !== "number" || !(timeout >= 0)) {
      throw new RangeError(
        `redisClient: timeout must be a non-negative number of ms, got ${String(timeout)}.`,
      );
    }
    this.driver = driver;
    this.prefix = prefix;
    this.timeout = timeout === Number.POSITIVE_INFINITY ? 0 : timeout;
    this.#clock = options.clock ?? systemClock;
    this.#onError = options.onError ?? (() => {});
  }

  /** The options a view made by `redisClient(existing, options)` inherits. */
  get options(): RedisClientOptions {
    return { prefix: this.prefix, timeout: this.timeout, clock: this.#clock, onError: this.#onError };
  }

  get closed(): boolean {
    return this.#closed;
  }

  key(name: string): string {
    return this.prefix + name;
  }

  run(script: RedisScript, keys: readonly string[], args: readonly RedisArg[] = []): Promise<unknown> {
    return this.#run(script, keys, args, this.driver.evalsha, this.driver.eval);
  }

  get bytesReplies(): boolean {
    return this.driver.evalshaBuffer !== undefined && this.driver.evalBuffer !== undefined;
  }

  runForBytes(
    script: RedisScript,
    keys: readonly string[],
    args: readonly RedisArg[] = [],
  ): Promise<unknown> {
    const { evalshaBuffer, evalBuffer } = this.driver;
    if (evalshaBuffer === undefined || evalBuffer === undefined) {
      throw new TypeError(
        `runForBytes: the ${this.driver.name} driver cannot answer bytes (bytesReplies is false).`,
      );
    }
    return this.#run(script, keys, args, evalshaBuffer, evalBuffer);
  }

  /** `EVALSHA`, then `EVAL` only on `NOSCRIPT`, through the given driver methods. */
  #run(
    script: RedisScript,
    keys: readonly string[],
    args: readonly RedisArg[],
    evalsha: NonNullable<RedisDriver["evalshaBuffer"]>,
    evaluate: NonNullable<RedisDriver["evalBuffer"]>,
  ): Promise<unknown> {
    return this.#call(`EVALSHA ${script.name}`, async () => {
      const prefixed = keys.map((key) => this.key(key));
      const sha = await script.sha();
      try {
        return await evalsha.call(this.driver, sha, prefixed, args);
      } catch (error) {
        const mapped = this.#toError("EVALSHA", error);
        // Only a missing script is retried: any other failure may have run the script already.
        if (!(isRedisCommandError(mapped) && mapped.isNoScript)) throw mapped;
      }
      try {
        return await evaluate.call(this.driver, script.source, prefixed, args);
      } catch (error) {
        throw this.#toError("EVAL", error);
      }
    });
  }

  async set(key: string, value: string, options?: RedisSetOptions): Promise<boolean> {
    if (options?.px !== undefined && !(Number.isSafeInteger(options.px) && options.px > 0)) {
      throw new RangeError(`set: px must be a positive integer of ms, got ${String(options.px)}.`);
    }
    const reply = await this.#call("SET", () => this.driver.set(this.key(key), value, options));
    return reply !== null && reply !== undefined;
  }

  async get(key: string): Promise<string | undefined> {
    return replyOptionalString(await this.#call("GET", () => this.driver.get(this.key(key))), "GET");
  }

  async del(...keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    return replyInteger(await this.#call("DEL", () => this.driver.del(keys.map((k) => this.key(k)))), "DEL");
  }

  async publish(channel: string, message: string): Promise<number> {
    const reply = await this.#call("PUBLISH", () => this.driver.publish(this.key(channel), message));
    return replyInteger(reply, "PUBLISH");
  }

  async time(): Promise<number> {
    return replyTime(await this.#call("TIME", () => this.driver.time()));
  }

  async subscribe(channel: string, listener: (message: string) => void): Promise<RedisSubscription> {
    if (this.#closed) throw new RedisUnavailableError("SUBSCRIBE", "the goggles Redis client is closed.");
    const full = this.key(channel);
    const entry = { listener };
    let state = this.#channels.get(full);
    if (!state) {
      const ready = this.#call("SUBSCRIBE", async () => (await this.#ensureSubscriber()).subscribe(full));
      const created: Channel = { listeners: new Set(), ready };
      state = created;
      this.#channels.set(full, created);
      ready.catch(() => {
        if (this.#channels.get(full) === created) this.#channels.delete(full);
      });
    }
    state.listeners.add(entry);
    try {
      await state.ready;
    } catch (error) {
      state.listeners.delete(entry);
      throw error;
    }
    const owner = state;
    let active = true;
    return {
      channel,
      unsubscribe: async () => {
        if (!active) return;
        active = false;
        owner.listeners.delete(entry);
        if (owner.listeners.size > 0 || this.#channels.get(full) !== owner) return;
        this.#channels.delete(full);
        if (this.#closed || !this.#subscriber) return;
        await this.#call("UNSUBSCRIBE", async () => (await this.#ensureSubscriber()).unsubscribe(full));
      },
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#channels.clear();
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    if (!subscriber) return;
    try {
      await (await subscriber).close();
    } catch (error) {
      this.#onError(error);
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #ensureSubscriber(): Promise<RedisSubscriberConnection> {
    if (!this.#subscriber) {
      const created = this.driver.createSubscriber(
        (channel, message) => this.#dispatch(channel, message),
        (error) => this.#onError(error),
      );
      this.#subscriber = created;
      created.catch(() => {
        if (this.#subscriber === created) this.#subscriber = undefined;
      });
    }
    return this.#subscriber;
  }

  #dispatch(channel: string, message: string): void {
    const state = this.#channels.get(channel);
    if (!state) return;
    for (const { listener } of [...state.listeners]) {
      try {
        listener(message);
      } catch (error) {
        this.#onError(error);
      }
    }
  }

  #call<T>(command: string, work: () => Promise<T>): Promise<T> {
    if (this.#closed) {
      return Promise.reject(new RedisUnavailableError(command, "the goggles Redis client is closed."));
    }
    let started: Promise<T>;
    try {
      started = work();
    } catch (error) {
      started = Promise.reject(error);
    }
    const mapped = started.catch((error: unknown) => {
      throw this.#toError(command, error);
    });
    return withTimeout(mapped, this.timeout, this.#clock, command);
  }

  #toError(command: string, error: unknown): unknown {
    if (isGogglesError(error)) return error;
    const message = error instanceof Error ? error.message : String(error);
    const isReply = this.driver.isReplyError
      ? this.driver.isReplyError(error)
      : LOOKS_LIKE_REPLY.test(message);
    return isReply
      ? new RedisCommandError(command, message, { cause: error })
      : new RedisUnavailableError(command, message, { cause: error });
  }
}

/**
 * The goggles Redis layer over the client you already have: pass an ioredis client, a connected
 * node-redis client, a `RedisDriver`, or a `RedisClient` (returned as is when no option is given,
 * otherwise a new view over the same driver with those options replacing the original's, and its own
 * pub/sub connection). Stores call this on the `client`
 * option they receive, so users just pass their client.
 *
 * @example
 * import { Redis } from "ioredis";
 * const redis = redisClient(new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }), {
 *   prefix: "myapp:",
 *   timeout: 250,
 * });
 * const hits = defineScript("return redis.call('INCR', KEYS[1])", { name: "hits" });
 * replyInteger(await redis.run(hits, ["home"])); // INCR myapp:home
 * await redis.close(); // closes only the pub/sub connection the layer opened, never your client
 */
export function redisClient(input: RedisInput, options: RedisClientOptions = {}): RedisClient {
  if (isRedisClient(input)) {
    const given = Object.values(options).some((value) => value !== undefined);
    if (!given) return input;
    const inherited: RedisClientOptions =
      input instanceof GogglesRedisClient ? input.options : { prefix: input.prefix, timeout: input.timeout };
    return new GogglesRedisClient(input.driver, {
      ...inherited,
      ...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)),
    });
  }
  return new GogglesRedisClient(toRedisDriver(input), options);
}
