import { type Clock, systemClock } from "../clock.js";
import { CostExceedsCapacityError } from "../errors/cost-exceeds-capacity-error.js";
import { LimiterInputError } from "../errors/limiter-input-error.js";
import type { LimiterStore, StoreDecision } from "./limiter-store.js";
import { consumeOne, MemoryStore } from "./memory-store.js";
import { type BucketLimit, TOKEN_EPSILON } from "./token-bucket.js";

/** One token bucket: `capacity` tokens at most (the burst), refilled continuously at `refillPerSecond`. */
export interface LimitOptions {
  /** The most tokens the bucket holds: the largest burst. A positive finite number. */
  capacity: number;
  /** Tokens added per second, continuously (fractions included). A positive finite number. */
  refillPerSecond: number;
}

interface CommonLimiterOptions {
  /** Where buckets live. Default: a new `MemoryStore` (100 000 keys). */
  store?: LimiterStore;
  /** The clock handed to the store. Default `systemClock`. */
  clock?: Clock;
}

/** A limiter with one bucket per key. */
export interface SingleLimiterOptions extends LimitOptions, CommonLimiterOptions {
  /** The policy name used in headers and results. Default `"default"`. */
  name?: string;
}

/** A limiter with several named buckets per key (e.g. `burst` and `daily`): a request must pass all of them. */
export interface MultiLimiterOptions extends CommonLimiterOptions {
  limits: Readonly<Record<string, LimitOptions>>;
}

/** Options for `createLimiter`: one limit, or several named ones. */
export type LimiterOptions = SingleLimiterOptions | MultiLimiterOptions;

/** A limit as the limiter holds it. */
export interface LimitPolicy extends BucketLimit {
  readonly refillPerSecond: number;
  /** Seconds for an empty bucket to fill up: the window of the `RateLimit-Policy` header. */
  readonly windowSeconds: number;
}

/** What one named limit says about a request. */
export interface PolicyResult {
  readonly name: string;
  /** Whether this limit alone would admit the request. */
  readonly allowed: boolean;
  /** The capacity of this limit. */
  readonly limit: number;
  /** Whole tokens left after the decision. */
  readonly remaining: number;
  /** Milliseconds until this limit would admit the request (0 if it does now). */
  readonly retryAfterMs: number;
  /** Milliseconds until this bucket is full again. */
  readonly resetMs: number;
}

/**
 * A limiter's decision. The top-level numbers come from the deciding limit: on a rejection the one that
 * makes the caller wait longest, otherwise the one with the fewest tokens left.
 */
export interface LimitResult {
  /** Whether the request passed every limit (and was charged). */
  readonly allowed: boolean;
  /** The capacity of the deciding limit. */
  readonly limit: number;
  /** Whole tokens left in the deciding limit. */
  readonly remaining: number;
  /** Milliseconds until the same request would pass (0 when allowed). */
  readonly retryAfterMs: number;
  /** Milliseconds until the deciding bucket is full again. */
  readonly resetMs: number;
  /** The name of the deciding limit. */
  readonly policy: string;
  /**
   * Every limit's view, in the order the limits were given, when the limiter has several limits. A limiter of
   * one limit leaves it out: its top-level fields are that limit's view, and a decision then allocates one
   * object instead of three. `policyResults(result)` gives the list for either kind.
   */
  readonly policies?: readonly PolicyResult[];
}

/** The decision of a limiter of several limits: every limit's view is there. */
export interface MultiLimitResult extends LimitResult {
  readonly policies: readonly PolicyResult[];
}

/**
 * A token-bucket limiter. Create one with `createLimiter`; a limiter of several limits is a
 * `Limiter<MultiLimitResult>`, whose results always carry `policies`.
 */
export interface Limiter<R extends LimitResult = LimitResult> {
  /** The limits every key is held to, in order. */
  readonly limits: readonly LimitPolicy[];
  readonly store: LimiterStore;
  readonly clock: Clock;
  /**
   * Charges `cost` tokens (default 1) to `key` in every limit, or nothing when one limit lacks them.
   * `cost` 0 only looks. Rejects with `LimiterInputError` for an empty key or a cost that is not a
   * non-negative finite number, and with `CostExceedsCapacityError` when a limit could never admit `cost`.
   */
  consume(key: string, cost?: number): Promise<R>;
  /**
   * `consume` without the promise, when the store decides synchronously (`MemoryStore`): the result, or
   * `undefined` for a store that answers asynchronously (Redis), where nothing is charged and `consume` is
   * the way. Throws what `consume` rejects with. For code that runs its own scheduling (an Effect fiber).
   *
   * @example
   * const result = limiter.consumeNow(key) ?? (await limiter.consume(key));
   */
  consumeNow(key: string, cost?: number): R | undefined;
  /** Gives `cost` tokens (default 1) back to `key`, never above capacity: a request that should not count. */
  refund(key: string, cost?: number): Promise<void>;
  /** Forgets `key`: its buckets are full again. */
  reset(key: string): Promise<void>;
}

/** The longest key a limiter accepts (UTF-16 code units): a store's memory bound holds per key too. */
export const MAX_KEY_LENGTH = 1024;

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

function positive(value: unknown, what: string): number {
  if (typeof value !== "number" || !(value > 0) || value === Number.POSITIVE_INFINITY) {
    throw new LimiterInputError(
      `createLimiter: ${what} must be a positive finite number, got ${String(value)}.`,
    );
  }
  return value;
}

function policy(name: string, options: LimitOptions | undefined): LimitPolicy {
  if (!NAME.test(name)) {
    throw new LimiterInputError(
      `createLimiter: limit names use letters, digits, "_", "." and "-" (at most 64), got ${JSON.stringify(name)}.`,
    );
  }
  if (typeof options !== "object" || options === null) {
    throw new LimiterInputError(`createLimiter: limit "${name}" needs { capacity, refillPerSecond }.`);
  }
  const capacity = positive(options.capacity, `the capacity of "${name}"`);
  const refillPerSecond = positive(options.refillPerSecond, `the refillPerSecond of "${name}"`);
  return Object.freeze({
    name,
    capacity,
    refillPerSecond,
    refillPerMs: refillPerSecond / 1000,
    windowSeconds: capacity / refillPerSecond,
  });
}

function keyError(key: unknown): LimiterInputError | undefined {
  if (typeof key !== "string" || key.length === 0) {
    return new LimiterInputError(`A rate-limit key must be a non-empty string, got ${describe(key)}.`);
  }
  if (key.length > MAX_KEY_LENGTH) {
    return new LimiterInputError(`A rate-limit key may have at most ${MAX_KEY_LENGTH} characters.`);
  }
  return undefined;
}

function costError(cost: unknown): LimiterInputError | undefined {
  if (typeof cost !== "number" || !(cost >= 0) || cost === Number.POSITIVE_INFINITY) {
    return new LimiterInputError(`A cost must be a non-negative finite number, got ${describe(cost)}.`);
  }
  return undefined;
}

function describe(value: unknown): string {
  return typeof value === "string" ? (value === "" ? "an empty string" : "a string") : String(value);
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown }).then === "function";
}

/**
 * Creates a token-bucket limiter: continuous refill (fractional tokens kept, whole tokens reported), weighted
 * costs, several named limits per key decided in one store call, and a clock that going backwards never mints
 * tokens. The arithmetic is specified in `token-bucket.ts`.
 *
 * @example
 * const limiter = createLimiter({ capacity: 10, refillPerSecond: 1 });
 * const result = await limiter.consume("203.0.113.7");
 * if (!result.allowed) console.log(`retry in ${result.retryAfterMs} ms`);
 *
 * const tiered = createLimiter({ limits: { burst: { capacity: 10, refillPerSecond: 10 }, daily: { capacity: 1000, refillPerSecond: 1000 / 86_400 } } });
 */
export function createLimiter(options: MultiLimiterOptions): Limiter<MultiLimitResult>;
export function createLimiter(options: LimiterOptions): Limiter;
export function createLimiter(options: LimiterOptions): Limiter {
  if (typeof options !== "object" || options === null) {
    throw new LimiterInputError("createLimiter: options are required ({ capacity, refillPerSecond }).");
  }
  let limits: LimitPolicy[];
  if ("limits" in options && options.limits !== undefined) {
    const entries = Object.entries(options.limits);
    if (entries.length === 0)
      throw new LimiterInputError("createLimiter: `limits` needs at least one limit.");
    limits = entries.map(([name, limit]) => policy(name, limit));
  } else {
    const single = options as SingleLimiterOptions;
    limits = [policy(single.name ?? "default", single)];
  }
  const store = options.store ?? new MemoryStore();
  const clock = options.clock ?? systemClock;
  let smallest = limits[0] as LimitPolicy;
  for (const limit of limits) if (limit.capacity < smallest.capacity) smallest = limit;
  const frozen = Object.freeze(limits);
  const single = limits.length === 1 ? smallest : undefined;

  const fast = single !== undefined && store instanceof MemoryStore ? store : undefined;

  // `| 0` when the capacity is a 32-bit integer: the value is then a small integer, not a boxed double read
  // from a limit object that shares its hidden class with a 1e12-token limit. Stored into every result's
  // `limit`, a boxed double would turn that field into one that allocates a box per decision.
  const capacity = smallest.capacity === (smallest.capacity | 0) ? smallest.capacity | 0 : smallest.capacity;
  const slack = TOKEN_EPSILON * capacity;
  /** What is wrong with a call's key or cost, if anything: every entry point checks with this. */
  const inputError = (key: unknown, cost: unknown): Error | undefined =>
    keyError(key) ??
    costError(cost) ??
    ((cost as number) > capacity
      ? new CostExceedsCapacityError(cost as number, capacity, smallest.name)
      : undefined);
  /**
   * One bucket: the numbers of `reportBucket` (token-bucket.ts), inlined. Object literals on purpose: a
   * promise resolved with an object whose prototype is `Object.prototype` skips the `then` lookup, which a
   * class instance pays on every call (measured: a class result was slower despite allocating less).
   */
  const singleResult = (
    single: LimitPolicy,
    allowed: boolean,
    left: number,
    cost: number,
    refillMs: number,
  ): LimitResult => {
    const missing = capacity - left;
    const remaining = Math.max(Math.floor(left + slack), 0);
    const retryAfterMs =
      allowed || left >= cost - slack ? 0 : Math.ceil((cost - slack - left) / single.refillPerMs);
    // `refillMs`, when the store computed it, is this same quotient (`missing` / refill rate).
    const resetMs = missing <= slack ? 0 : Math.ceil(refillMs >= 0 ? refillMs : missing / single.refillPerMs);
    return { allowed, limit: capacity, remaining, retryAfterMs, resetMs, policy: single.name };
  };

  const result = (decision: StoreDecision, cost: number): LimitResult => {
    const allowed = decision.allowed;
    if (single !== undefined) {
      return singleResult(single, allowed, decision.tokens[0] as number, cost, Number.NaN);
    }
    const policies: PolicyResult[] = [];
    let deciding: PolicyResult | undefined;
    for (let i = 0; i < frozen.length; i++) {
      const p = policyResult(frozen[i] as LimitPolicy, decision.tokens[i] as number, cost, allowed);
      policies.push(p);
      if (
        deciding === undefined ||
        (allowed ? p.remaining < deciding.remaining : p.retryAfterMs > deciding.retryAfterMs)
      ) {
        deciding = p;
      }
    }
    deciding = deciding as PolicyResult;
    // `policy` comes second on purpose: V8 gives objects whose properties were added in the same order one
    // hidden class. A limit of 1e12 tokens (a daily quota) makes these fields hold boxed doubles; in a class
    // of its own, that never spreads to single-limit results, which would then allocate a box per decision.
    return {
      allowed,
      policy: deciding.name,
      limit: deciding.limit,
      remaining: deciding.remaining,
      retryAfterMs: allowed ? 0 : deciding.retryAfterMs,
      resetMs: deciding.resetMs,
      policies,
    };
  };

  /** The common case (one limit, in memory): checks folded into one branch, the arithmetic on a typed array. */
  const decideFast = (memory: MemoryStore, key: string, cost = 1): LimitResult => {
    if (
      typeof key !== "string" ||
      key.length === 0 ||
      key.length > MAX_KEY_LENGTH ||
      typeof cost !== "number" ||
      !(cost >= 0) ||
      cost > capacity
    ) {
      throw inputError(key, cost) as Error;
    }
    const left = memory[consumeOne](key, smallest, cost, clock.now());
    return singleResult(smallest, memory.lastAllowed, left, cost, memory.lastRefillMs);
  };
  /** Several limits in memory: the store answers synchronously. */
  const decideInMemory = (memory: MemoryStore, key: string, cost = 1): LimitResult => {
    const invalid = inputError(key, cost);
    if (invalid !== undefined) throw invalid;
    return result(memory.consume(key, frozen, cost, clock.now()), cost);
  };
  const memory = store instanceof MemoryStore ? store : undefined;
  const decideNow = memory === undefined ? undefined : fast !== undefined ? decideFast : decideInMemory;

  return {
    limits: frozen,
    store,
    clock,
    consume:
      memory !== undefined && decideNow !== undefined
        ? // One result object and one promise per call.
          async (key: string, cost?: number): Promise<LimitResult> => decideNow(memory, key, cost)
        : (key: string, cost = 1): Promise<LimitResult> => {
            const invalid = inputError(key, cost);
            if (invalid !== undefined) return Promise.reject(invalid);
            try {
              const decision = store.consume(key, frozen, cost, clock.now());
              if (isPromise(decision)) return decision.then((d) => result(d, cost));
              return Promise.resolve(result(decision, cost));
            } catch (error) {
              return Promise.reject(error);
            }
          },
    consumeNow:
      memory !== undefined && decideNow !== undefined
        ? (key: string, cost?: number): LimitResult => decideNow(memory, key, cost)
        : (key: string, cost = 1): undefined => {
            const invalid = inputError(key, cost);
            if (invalid !== undefined) throw invalid;
            return undefined;
          },
    async refund(key: string, cost = 1): Promise<void> {
      const invalid = keyError(key) ?? costError(cost);
      if (invalid !== undefined) throw invalid;
      if (cost > 0) await store.refund(key, frozen, cost, clock.now());
    },
    async reset(key: string): Promise<void> {
      const invalid = keyError(key);
      if (invalid !== undefined) throw invalid;
      await store.reset(key);
    },
  };
}

function policyResult(limit: LimitPolicy, left: number, cost: number, allowed: boolean): PolicyResult {
  // The arithmetic of `reportBucket` (token-bucket.ts), inlined on the hot path.
  const slack = TOKEN_EPSILON * limit.capacity;
  const avail = allowed ? left + cost : left;
  const whole = Math.floor(left + slack);
  const missing = limit.capacity - left;
  const retryAfterMs = avail >= cost - slack ? 0 : Math.ceil((cost - slack - avail) / limit.refillPerMs);
  return {
    name: limit.name,
    allowed: retryAfterMs === 0,
    limit: limit.capacity,
    remaining: Math.max(whole, 0),
    retryAfterMs,
    resetMs: missing <= slack ? 0 : Math.ceil(missing / limit.refillPerMs),
  };
}
