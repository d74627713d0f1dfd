import type { BucketLimit } from "./token-bucket.js";

/**
 * A store's answer to one request: whether it passed every limit, and `left[i]` of the token-bucket
 * specification for each limit (tokens after the decision, or before it when rejected; fractional).
 * A synchronous answer may be an object the store reuses for its next call (`MemoryStore` does, to allocate
 * nothing per decision): read it before calling the store again.
 */
export interface StoreDecision {
  readonly allowed: boolean;
  readonly tokens: readonly number[];
}

/**
 * Where token buckets live. One call decides a whole request: every limit of the key passes and is charged,
 * or none is. Implementations follow the arithmetic of `token-bucket.ts` exactly; `MemoryStore` and
 * `redisStore` (from `@goggles/redis-store`) are checked by the same contract suite.
 *
 * Methods may answer synchronously (the memory store does, to save a promise per decision) or with a
 * promise. `now` is the limiter's clock; a store with a clock of its own (Redis `TIME`) may ignore it.
 * A store serves one limiter: give each limiter its own store (or its own prefix).
 *
 * @example
 * const store: LimiterStore = new MemoryStore({ maxKeys: 50_000 });
 * const limiter = createLimiter({ capacity: 10, refillPerSecond: 1, store });
 */
export interface LimiterStore {
  /** Charges `cost` to every bucket of `key`, or to none when one of them lacks it. `cost` 0 only looks. */
  consume(
    key: string,
    limits: readonly BucketLimit[],
    cost: number,
    now: number,
  ): StoreDecision | Promise<StoreDecision>;
  /** Gives `cost` back to every bucket of `key`, never above capacity. */
  refund(key: string, limits: readonly BucketLimit[], cost: number, now: number): void | Promise<void>;
  /** Forgets `key`: its buckets are full again. */
  reset(key: string): void | Promise<void>;
}
