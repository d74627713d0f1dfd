import {
  type BucketLimit,
  type CircuitBreaker,
  type Clock,
  circuitBreaker,
  consecutive,
  type EventHandler,
  emit,
  type LimiterStore,
  MemoryStore,
  type StoreDecision,
} from "@goggles/core";
import { type RedisClient, type RedisInput, redisClient } from "../client/redis-client.js";
import type { RedisArg } from "../client/redis-driver.js";
import { RedisReplyError } from "../errors/redis-reply-error.js";
import { replyArray, replyInteger } from "../script/replies.js";
import { BlockCache } from "./block-cache.js";
import { hashSlot } from "./hash-slot.js";
import { consumeScripts, refundScript } from "./token-bucket-scripts.js";

/** The per-call timeout of `redisStore` when none is given, in milliseconds. */
export const DEFAULT_LIMITER_TIMEOUT_MS = 50;
/** The key prefix of `redisStore` when none is given (after the client layer's own prefix). */
export const DEFAULT_LIMITER_PREFIX = "rl:";
/** The most decisions sent in one script call when coalescing. */
const MAX_BATCH = 256;

/**
 * What a `redisStore` does when Redis fails or is too slow: refuse (`"deny"`), admit (`"allow"`), or decide
 * with a local insurance store (a `MemoryStore`: each instance then limits on its own).
 */
export type StoreErrorFallback = "deny" | "allow" | LimiterStore;

/** Options for `redisStore`. */
export interface RedisStoreOptions {
  /** Your ioredis or node-redis client (or a `RedisClient` from `redisClient()`). Never closed by the store. */
  client: RedisInput;
  /** Put before every key, after the client layer's prefix. Default `"rl:"`; give each limiter its own. */
  prefix?: string;
  /** Milliseconds a Redis call may take before the fallback answers. Default 50. */
  timeout?: number;
  /**
   * Decide at this clock's time instead of Redis `TIME` (tests). By default the script reads `TIME`, so the
   * clocks of app servers cannot change a decision.
   */
  clock?: Clock;
  /** When Redis fails or times out. Default: an insurance `MemoryStore` (per instance). */
  onStoreError?: StoreErrorFallback;
  /** Receives `store_error` events (operation, error name and the fallback used; never keys). */
  onEvent?: EventHandler;
  /**
   * Send the decisions made during one event-loop turn in one script call (default `true`): one round trip
   * for many decisions. `"slot"` groups them by Redis Cluster hash slot (for a cluster or a proxy in front
   * of one); `false` sends one call per decision. Each decision still touches one key.
   */
  coalesce?: boolean | "slot";
  /**
   * The core `circuitBreaker` every Redis call of the store goes through: once Redis keeps failing, decisions
   * go straight to `onStoreError` without waiting for a timeout, and a probe tests Redis again after
   * `openFor`. Default: opens after 5 consecutive failed calls, for 1 s (`name: "redis-limiter"`, events to
   * `onEvent`). `false`: no breaker.
   */
  breaker?: CircuitBreaker | false;
  /**
   * Remember refused keys and refuse them locally until their buckets could admit the request again,
   * shielding Redis from a client that keeps knocking. `true` holds up to 10 000 keys. Default off.
   */
  blockCache?: boolean | { maxKeys: number };
}

/** A `LimiterStore` on Redis, made by `redisStore`. */
export interface RedisLimiterStore extends LimiterStore {
  /** The client layer the store runs on. */
  readonly client: RedisClient;
  /** The full key prefix (client layer prefix + store prefix). */
  readonly prefix: string;
  consume(
    key: string,
    limits: readonly BucketLimit[],
    cost: number,
    now: number,
  ): StoreDecision | Promise<StoreDecision>;
  refund(key: string, limits: readonly BucketLimit[], cost: number, now: number): Promise<void>;
  reset(key: string): Promise<void>;
}

/** A decision waiting for its coalesced call; settled with Redis's answer or the fallback's, never rejected. */
interface Pending {
  readonly key: string;
  readonly cost: number;
  readonly now: number;
  readonly resolve: (decision: StoreDecision | Promise<StoreDecision>) => void;
}

const schedule: (task: () => void) => void =
  typeof globalThis.setImmediate === "function"
    ? (task) => {
        globalThis.setImmediate(task);
      }
    : queueMicrotask;

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

function limitArgs(limits: readonly BucketLimit[]): RedisArg[] {
  const args: RedisArg[] = [String(limits.length)];
  for (const limit of limits) args.push(String(limit.capacity), String(limit.refillPerMs));
  return args;
}

/**
 * Reads the `bytes` form of the consume script's reply (`ConsumeReply`) to `count` decisions of `n` limits: per
 * key one byte (`allowed`) and n little-endian doubles. Throws `RedisReplyError` for anything else.
 */
function parseBytes(reply: unknown, count: number, n: number): StoreDecision[] {
  const size = 1 + 8 * n;
  if (!(reply instanceof Uint8Array) || reply.byteLength !== count * size) {
    const got = reply instanceof Uint8Array ? `${reply.byteLength} bytes` : typeof reply;
    throw new RedisReplyError(`Expected limiter decisions as ${count * size} bytes, got ${got}.`);
  }
  const view = new DataView(reply.buffer, reply.byteOffset, reply.byteLength);
  const decisions: StoreDecision[] = [];
  for (let k = 0, at = 0; k < count; k++, at += size) {
    const allowed = view.getUint8(at);
    if (allowed > 1) throw new RedisReplyError(`Expected allowed to be 0 or 1, got ${allowed}.`);
    const tokens: number[] = [];
    for (let i = 0; i < n; i++) tokens.push(view.getFloat64(at + 1 + 8 * i, true));
    decisions.push({ allowed: allowed === 1, tokens });
  }
  return decisions;
}

/**
 * Reads the `integers` form of the consume script's reply: per key `allowed`, then each `left` as two integers
 * `m · 2^53` and `e`, the value being `m · 2^e`. Throws `RedisReplyError` for anything else.
 */
function parseIntegers(reply: unknown, count: number, n: number): StoreDecision[] {
  const parts = replyArray(reply, "limiter decisions", count * (2 * n + 1));
  const decisions: StoreDecision[] = [];
  for (let k = 0, at = 0; k < count; k++) {
    const allowed = replyInteger(parts[at++], "allowed");
    if (allowed !== 0 && allowed !== 1)
      throw new RedisReplyError(`Expected allowed to be 0 or 1, got ${allowed}.`);
    const tokens: number[] = [];
    for (let i = 0; i < n; i++) {
      const m = replyInteger(parts[at++], "tokens");
      const e = replyInteger(parts[at++], "tokens exponent");
      if (Math.abs(m) >= 2 ** 53 || e < -1100 || e > 1100) {
        throw new RedisReplyError(`Expected tokens as (m · 2^53, e), got (${m}, ${e}).`);
      }
      tokens.push(m * 2 ** -53 * 2 ** e);
    }
    decisions.push({ allowed: allowed === 1, tokens });
  }
  return decisions;
}

/** The costs of a batch as script arguments: one for every key when they are all the same, else one per key. */
function costArgs(batch: readonly Pending[]): RedisArg[] {
  const first = (batch[0] as Pending).cost;
  let same = true;
  for (const p of batch) if (p.cost !== first) same = false;
  return same ? [String(first)] : batch.map((p) => String(p.cost));
}

/**
 * The Redis limiter store: the token-bucket specification of `@goggles/core` in one Lua script, run with
 * `EVALSHA` (and `EVAL` only on `NOSCRIPT`; nothing else is retried, which could count twice). Each decision
 * touches one key, one string holding every limit of the request (packed doubles: `at`, then each limit's
 * tokens), so it works on Redis Cluster. Redis `TIME` is the clock. Keys expire about a second after their
 * buckets are full again.
 *
 * When Redis is slow or down, every decision still arrives within `timeout` (default 50 ms), answered by
 * `onStoreError`; the store's calls go through the core `circuitBreaker`, so once Redis keeps failing a
 * decision costs no wait at all until a probe finds it back. Decisions of one event-loop turn share one script
 * call (`coalesce`).
 *
 * @example
 * import { createLimiter, MemoryStore } from "@goggles/core";
 * import { redisStore } from "@goggles/redis-store";
 * import { Redis } from "ioredis";
 *
 * const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
 * const limiter = createLimiter({
 *   limits: { burst: { capacity: 20, refillPerSecond: 10 }, daily: { capacity: 5000, refillPerSecond: 5000 / 86_400 } },
 *   store: redisStore({ client: redis, prefix: "api:", onStoreError: new MemoryStore() }),
 * });
 */
export function redisStore(options: RedisStoreOptions): RedisLimiterStore {
  const timeout = options.timeout ?? DEFAULT_LIMITER_TIMEOUT_MS;
  if (typeof timeout !== "number" || !(timeout > 0)) {
    throw new RangeError(`redisStore: timeout must be a positive number of ms, got ${String(timeout)}.`);
  }
  const storePrefix = options.prefix ?? DEFAULT_LIMITER_PREFIX;
  if (typeof storePrefix !== "string") throw new TypeError("redisStore: prefix must be a string.");
  const client = redisClient(options.client, { timeout });
  const clock = options.clock;
  const onStoreError = options.onStoreError ?? new MemoryStore();
  const fallbackName =
    onStoreError === "deny" || onStoreError === "allow" ? onStoreError : ("insurance" as const);
  const coalesce = options.coalesce ?? true;
  const breaker =
    options.breaker === false
      ? undefined
      : (options.breaker ??
        circuitBreaker({
          name: "redis-limiter",
          strategy: consecutive({ threshold: 5 }),
          openFor: 1_000,
          onEvent: options.onEvent,
        }));
  /** Every Redis call of the store, through the breaker when there is one. */
  const guarded = <T>(call: () => Promise<T>): Promise<T> =>
    breaker === undefined ? call() : breaker.execute(call);
  const blockCache =
    options.blockCache === undefined || options.blockCache === false
      ? undefined
      : new BlockCache(options.blockCache === true ? 10_000 : options.blockCache.maxKeys);
  const argsCache = new WeakMap<readonly BucketLimit[], RedisArg[]>();
  const argsFor = (limits: readonly BucketLimit[]) => {
    let args = argsCache.get(limits);
    if (args === undefined) {
      args = limitArgs(limits);
      argsCache.set(limits, args);
    }
    return args;
  };
  const scriptNow = (): RedisArg => (clock === undefined ? "" : String(clock.now()));

  const report = (operation: string, error: unknown) =>
    emit(options.onEvent, {
      type: "store_error",
      store: "redis-limiter",
      operation,
      errorName: errorName(error),
      fallback: fallbackName,
    });

  const fallback = (
    error: unknown,
    key: string,
    limits: readonly BucketLimit[],
    cost: number,
    now: number,
  ): StoreDecision | Promise<StoreDecision> => {
    report("consume", error);
    if (onStoreError === "deny") return { allowed: false, tokens: limits.map(() => 0) };
    if (onStoreError === "allow") return { allowed: true, tokens: limits.map((l) => l.capacity - cost) };
    const copy = (d: StoreDecision): StoreDecision => ({ allowed: d.allowed, tokens: [...d.tokens] });
    try {
      const decided = onStoreError.consume(key, limits, cost, now);
      return decided instanceof Promise ? decided.then(copy) : copy(decided);
    } catch (insuranceError) {
      report("consume", insuranceError);
      return { allowed: false, tokens: limits.map(() => 0) };
    }
  };

  // Coalescing: the decisions of one event-loop turn, per limits array (one store serves one limiter).
  let queue = new Map<readonly BucketLimit[], Pending[]>();
  let scheduled = false;

  /** The consume script in the form the driver reads best: packed bytes, or integers when it cannot. */
  const bytes = client.bytesReplies;
  const consume = (keys: readonly string[], args: readonly RedisArg[]): Promise<unknown> =>
    bytes
      ? client.runForBytes(consumeScripts.bytes, keys, args)
      : client.run(consumeScripts.integers, keys, args);
  const parseDecisions = bytes ? parseBytes : parseIntegers;

  const runBatch = (limits: readonly BucketLimit[], batch: Pending[]) => {
    const keys = batch.map((p) => storePrefix + p.key);
    const args: RedisArg[] = [scriptNow(), ...argsFor(limits), ...costArgs(batch)];
    guarded(() => consume(keys, args)).then(
      (reply) => {
        let decisions: StoreDecision[];
        try {
          decisions = parseDecisions(reply, batch.length, limits.length);
        } catch (error) {
          for (const p of batch) p.resolve(fallback(error, p.key, limits, p.cost, p.now));
          return;
        }
        for (let i = 0; i < batch.length; i++) {
          const p = batch[i] as Pending;
          const decision = decisions[i] as StoreDecision;
          blockCache?.record(p.key, decision, p.now);
          p.resolve(decision);
        }
      },
      (error: unknown) => {
        for (const p of batch) p.resolve(fallback(error, p.key, limits, p.cost, p.now));
      },
    );
  };

  const flush = () => {
    scheduled = false;
    const groups = queue;
    queue = new Map();
    for (const [limits, pending] of groups) {
      if (coalesce === "slot") {
        const bySlot = new Map<number, Pending[]>();
        for (const p of pending) {
          const slot = hashSlot(client.key(storePrefix + p.key));
          const group = bySlot.get(slot);
          if (group === undefined) bySlot.set(slot, [p]);
          else group.push(p);
        }
        for (const group of bySlot.values()) {
          for (let i = 0; i < group.length; i += MAX_BATCH) runBatch(limits, group.slice(i, i + MAX_BATCH));
        }
      } else {
        for (let i = 0; i < pending.length; i += MAX_BATCH) runBatch(limits, pending.slice(i, i + MAX_BATCH));
      }
    }
  };

  /** Redis's decision, or the fallback's when Redis fails: one promise per decision, never rejected by Redis. */
  const decide = (
    key: string,
    limits: readonly BucketLimit[],
    cost: number,
    now: number,
  ): Promise<StoreDecision> => {
    if (coalesce === false) {
      const args: RedisArg[] = [scriptNow(), ...argsFor(limits), String(cost)];
      return guarded(() => consume([storePrefix + key], args)).then(
        (reply) => {
          let decision: StoreDecision;
          try {
            decision = parseDecisions(reply, 1, limits.length)[0] as StoreDecision;
          } catch (error) {
            return fallback(error, key, limits, cost, now);
          }
          blockCache?.record(key, decision, now);
          return decision;
        },
        (error: unknown) => fallback(error, key, limits, cost, now),
      );
    }
    return new Promise<StoreDecision>((resolve) => {
      const pending = queue.get(limits);
      if (pending === undefined) queue.set(limits, [{ key, cost, now, resolve }]);
      else pending.push({ key, cost, now, resolve });
      if (!scheduled) {
        scheduled = true;
        schedule(flush);
      }
    });
  };

  return {
    client,
    prefix: client.key(storePrefix),
    consume(key, limits, cost, now) {
      if (blockCache !== undefined) {
        const blocked = blockCache.check(key, limits, cost, now);
        if (blocked !== undefined) return blocked;
      }
      return decide(key, limits, cost, now);
    },
    async refund(key, limits, cost, now) {
      blockCache?.delete(key);
      try {
        await guarded(() =>
          client.run(refundScript, [storePrefix + key], [scriptNow(), ...argsFor(limits), String(cost)]),
        );
      } catch (error) {
        report("refund", error);
        if (typeof onStoreError === "object") await onStoreError.refund(key, limits, cost, now);
      }
    },
    async reset(key) {
      blockCache?.delete(key);
      if (typeof onStoreError === "object") await onStoreError.reset(key);
      await guarded(() => client.del(storePrefix + key));
    },
  };
}
