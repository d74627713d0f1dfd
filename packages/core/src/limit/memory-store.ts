import { LimiterInputError } from "../errors/limiter-input-error.js";
import type { LimiterStore, StoreDecision } from "./limiter-store.js";
import { type BucketLimit, TOKEN_EPSILON } from "./token-bucket.js";

/** Options for `MemoryStore`. */
export interface MemoryStoreOptions {
  /** The most keys held at once; beyond it the least useful entry is evicted. Default 100 000. */
  maxKeys?: number;
}

/** The default `maxKeys` of a `MemoryStore`. */
export const DEFAULT_MAX_KEYS = 100_000;

/** Slots per record before the tokens: [fullAt, at]. */
const HEADER = 2;
/** The record size of a single-limit store. */
const HEADER_ONE = HEADER + 1;

/** The single-limit fast path's method key (not exported from the package). */
export const consumeOne: unique symbol = Symbol("goggles.memoryStore.consumeOne");
const FIRST_SLOTS = 256;
/** Slots examined per new key, once the store is half full, to reclaim buckets that are full again. */
const SWEEP_ON_INSERT = 2;
/**
 * Slots examined when the store is at its cap: every bucket among them that is full again is reclaimed, and
 * when there is none, the least recently used of them is evicted (an approximate LRU, exact up to this size).
 */
const SWEEP_AT_CAP = 32;
const NONE = -1;
const EMPTY = new Float64Array(0);

/**
 * The in-memory limiter store: the token-bucket specification of `token-bucket.ts`, implemented in place on
 * a typed array. Bounded (`maxKeys`), no timers, lazy expiry.
 *
 * Layout: a `Map` from key to a slot number (a small integer, so no boxed value per entry); per slot, one
 * `Float64Array` record `[fullAt, at, tokens…]` and the use counter at its last use (recency: one write per
 * decision, where a linked LRU list costs six). Arrays grow by doubling up to `maxKeys` slots. A bucket that
 * is full again carries no information: it is treated as absent; once the store is half full, a small
 * incremental sweep on each new key reclaims such entries. When the store is full, a new key examines the
 * next 32 slots: it reclaims those full again, or, if none is, evicts the least recently used of the 32 (an
 * approximate LRU, as Redis's: exact for stores of up to 32 keys; a key used since any of the others is
 * never the one evicted).
 *
 * Forgetting a full bucket never mints tokens when the clock goes back: while the clock reads earlier than
 * the latest time a forgotten bucket was full again, a key without state starts with the tokens such a
 * bucket had then (at most `regression × refill` short of full) instead of a full bucket.
 *
 * One store serves one limiter (all calls must bring the same number of limits).
 *
 * @example
 * const limiter = createLimiter({ capacity: 100, refillPerSecond: 10, store: new MemoryStore({ maxKeys: 50_000 }) });
 */
export class MemoryStore implements LimiterStore {
  /** The most keys held at once. */
  readonly maxKeys: number;
  readonly #index = new Map<string, number>();
  #keys: (string | undefined)[] = [];
  #slab: Float64Array = EMPTY;
  /** Per slot, the use counter at its last use: recency for eviction, one write per decision. */
  #used_at: Float64Array = EMPTY;
  #uses = 0;
  readonly #free: number[] = [];
  /** Slots handed out so far (`[0, used)` have held a key). */
  #used = 0;
  /** Slots allocated. */
  #slots = 0;
  #stride = 0;
  #cursor = 0;
  /**
   * The latest time at which a bucket the sweep forgot was full again. While the clock reads earlier (it went
   * back), a key without state cannot be told from one the sweep forgot, whose bucket the specification would
   * still show short of full: such a key starts with the tokens a bucket full at this time had then.
   */
  #forgottenFullAt = Number.NEGATIVE_INFINITY;
  readonly #decision: { allowed: boolean; tokens: number[] } = { allowed: false, tokens: [] };

  constructor(options: MemoryStoreOptions = {}) {
    const maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
    if (!Number.isInteger(maxKeys) || maxKeys < 1 || maxKeys > 2 ** 30) {
      throw new LimiterInputError(`MemoryStore: maxKeys must be an integer from 1 to 2^30, got ${maxKeys}.`);
    }
    this.maxKeys = maxKeys;
  }

  /** The number of keys held (full buckets not yet reclaimed included). */
  get size(): number {
    return this.#index.size;
  }

  /**
   * The single-limit fast path of `createLimiter` (same arithmetic as `consume` with one limit): returns
   * `left` and sets `lastAllowed`. Keyed by a symbol the package does not export.
   */
  [consumeOne](key: string, limit: BucketLimit, cost: number, now: number): number {
    // Kept small so that the limiter's `consume` can inline it: a known key is the hot path; a new key (or a
    // store of the wrong shape) goes to `#consumeNew`.
    const slot = this.#index.get(key);
    if (slot === undefined || this.#stride !== HEADER_ONE) return this.#consumeNew(key, limit, cost, now);
    const s = this.#slab;
    const base = slot * HEADER_ONE;
    const at = s[base + 1] as number;
    const t = Math.max(now, at);
    const capacity = limit.capacity;
    let avail = (s[base + 2] as number) + (t - at) * limit.refillPerMs;
    if (avail > capacity) avail = capacity;
    this.#used_at[slot] = ++this.#uses;
    this.lastRefillMs = Number.NaN;
    if (avail < cost - TOKEN_EPSILON * capacity) {
      this.lastAllowed = false;
      return avail;
    }
    this.lastAllowed = true;
    if (cost === 0) return avail;
    const left = avail - cost;
    const stored = Math.max(left, 0);
    const refillMs = (capacity - stored) / limit.refillPerMs;
    if (left >= 0) this.lastRefillMs = refillMs;
    s[base] = t + refillMs;
    s[base + 1] = t;
    s[base + 2] = stored;
    return left;
  }

  /** `[consumeOne]` for a key without state: its bucket is full. */
  #consumeNew(key: string, limit: BucketLimit, cost: number, now: number): number {
    if (this.#stride !== HEADER_ONE) this.#setStride(HEADER_ONE);
    const capacity = limit.capacity;
    this.lastRefillMs = Number.NaN;
    const behind = this.#forgottenFullAt - now;
    const avail = behind > 0 ? Math.max(capacity - behind * limit.refillPerMs, 0) : capacity;
    if (avail < cost - TOKEN_EPSILON * capacity) {
      this.lastAllowed = false;
      return avail;
    }
    this.lastAllowed = true;
    if (cost === 0) return avail;
    const base = this.#allocate(key, now) * HEADER_ONE;
    const s = this.#slab;
    const left = avail - cost;
    const stored = Math.max(left, 0);
    s[base] = now + (capacity - stored) / limit.refillPerMs;
    s[base + 1] = now;
    s[base + 2] = stored;
    return left;
  }

  /** Whether the last `[consumeOne]` call admitted its request. */
  lastAllowed = false;
  /**
   * Milliseconds until the bucket is full again, when the last `[consumeOne]` call charged a known key and
   * left it with no debt (`NaN` otherwise): the limiter's `resetMs` without a second division.
   */
  lastRefillMs = Number.NaN;

  /**
   * Decides synchronously. The answer is one object reused by every call of this store (no allocation per
   * decision): read it before calling the store again.
   */
  consume(key: string, limits: readonly BucketLimit[], cost: number, now: number): StoreDecision {
    const n = limits.length;
    if (this.#stride !== HEADER + n) this.#setStride(HEADER + n);
    const decision = this.#decision;
    const tokens = decision.tokens;
    if (tokens.length !== n) tokens.length = n;
    let allowed = true;
    const slot = this.#index.get(key);
    if (slot === undefined) {
      const behind = this.#forgottenFullAt - now;
      for (let i = 0; i < n; i++) {
        const limit = limits[i] as BucketLimit;
        const avail = behind > 0 ? Math.max(limit.capacity - behind * limit.refillPerMs, 0) : limit.capacity;
        tokens[i] = avail;
        if (avail < cost - TOKEN_EPSILON * limit.capacity) allowed = false;
      }
      decision.allowed = allowed;
      if (!allowed) return decision;
      if (cost === 0) return decision;
      const fresh = this.#allocate(key, now);
      this.#write(fresh * this.#stride, limits, tokens, cost, now);
      return decision;
    }
    const s = this.#slab;
    const base = slot * this.#stride;
    const at = s[base + 1] as number;
    const t = Math.max(now, at);
    const elapsed = t - at;
    for (let i = 0; i < n; i++) {
      const limit = limits[i] as BucketLimit;
      let avail = (s[base + HEADER + i] as number) + elapsed * limit.refillPerMs;
      if (avail > limit.capacity) avail = limit.capacity;
      tokens[i] = avail;
      if (avail < cost - TOKEN_EPSILON * limit.capacity) allowed = false;
    }
    this.#used_at[slot] = ++this.#uses;
    decision.allowed = allowed;
    if (allowed && cost !== 0) this.#write(base, limits, tokens, cost, t);
    return decision;
  }

  refund(key: string, limits: readonly BucketLimit[], cost: number, now: number): void {
    const slot = this.#index.get(key);
    if (slot === undefined) return;
    const stride = this.#stride;
    const base = slot * stride;
    const s = this.#slab;
    const at = s[base + 1] as number;
    const t = Math.max(now, at);
    let full = t;
    let allFull = true;
    for (let i = 0; i < limits.length; i++) {
      const limit = limits[i] as BucketLimit;
      let tokens = (s[base + HEADER + i] as number) + (t - at) * limit.refillPerMs + cost;
      if (tokens >= limit.capacity) tokens = limit.capacity;
      else allFull = false;
      s[base + HEADER + i] = tokens;
      const when = t + (limit.capacity - tokens) / limit.refillPerMs;
      if (when > full) full = when;
    }
    s[base] = full;
    s[base + 1] = t;
    // Forget the key only when every bucket is full by its tokens, as the specification does: deciding by
    // the time it is full again would round a bucket a hair short of full into "full", and a clock that then
    // went backwards would start a new bucket earlier and mint refill.
    if (allFull) this.#remove(slot);
  }

  reset(key: string): void {
    const slot = this.#index.get(key);
    if (slot !== undefined) this.#remove(slot);
  }

  /** Forgets every key. */
  clear(): void {
    this.#index.clear();
    this.#keys = [];
    this.#free.length = 0;
    this.#used = this.#cursor = 0;
    this.#forgottenFullAt = Number.NEGATIVE_INFINITY;
  }

  /** Charges `cost` from `avail` (in `tokens`, which become `left`) and writes the record at `base`. */
  #write(base: number, limits: readonly BucketLimit[], tokens: number[], cost: number, t: number): void {
    const s = this.#slab;
    let full = t;
    for (let i = 0; i < tokens.length; i++) {
      const limit = limits[i] as BucketLimit;
      const left = (tokens[i] as number) - cost;
      tokens[i] = left;
      const stored = Math.max(left, 0);
      s[base + HEADER + i] = stored;
      const when = t + (limit.capacity - stored) / limit.refillPerMs;
      if (when > full) full = when;
    }
    s[base] = full;
    s[base + 1] = t;
  }

  #setStride(stride: number): void {
    if (this.#stride !== 0) {
      throw new LimiterInputError(
        `MemoryStore: this store holds buckets of ${this.#stride - HEADER} limit(s) but was asked about ${stride - HEADER}; give each limiter its own store.`,
      );
    }
    this.#stride = stride;
  }

  /**
   * A slot for a new key: a free one, a new one, or one reclaimed from a full bucket or the least recently
   * used of a sample.
   * Growing is written inline on purpose: this cold path then stays too large for V8 to inline into the hot
   * `[consumeOne]`, which measured ~7 ns per decision faster on known keys when it is not inlined.
   */
  #allocate(key: string, now: number): number {
    // Full buckets are reclaimed only once the store is half full: below that, keeping a full entry costs
    // nothing and spares an occasional client a Map delete and insert on every visit.
    if (this.#index.size > this.maxKeys >>> 1) this.#sweep(now, SWEEP_ON_INSERT);
    let slot = this.#free.pop();
    if (slot === undefined) {
      if (this.#used < this.#slots) slot = this.#used++;
      else if (this.#slots < this.maxKeys) {
        // Grow by doubling, up to maxKeys slots.
        const slots = Math.min(this.maxKeys, Math.max(FIRST_SLOTS, this.#slots * 2));
        const slab = new Float64Array(slots * this.#stride);
        slab.set(this.#slab);
        const usedAt = new Float64Array(slots);
        usedAt.set(this.#used_at);
        this.#slab = slab;
        this.#used_at = usedAt;
        this.#slots = slots;
        slot = this.#used++;
      } else {
        const oldest = this.#sweep(now, SWEEP_AT_CAP);
        slot = this.#free.pop();
        if (slot === undefined) {
          slot = oldest;
          this.#remove(slot);
          this.#free.pop();
        }
      }
    }
    this.#index.set(key, slot);
    this.#keys[slot] = key;
    this.#used_at[slot] = ++this.#uses;
    return slot;
  }

  /**
   * Examines `count` slots from the sweep cursor, reclaiming those whose buckets are all full again, and
   * returns the least recently used of the slots it kept (`NONE` if none).
   */
  #sweep(now: number, count: number): number {
    const used = this.#used;
    const keys = this.#keys;
    const s = this.#slab;
    const usedAt = this.#used_at;
    const stride = this.#stride;
    let cursor = this.#cursor;
    let oldest = NONE;
    let oldestUse = Number.POSITIVE_INFINITY;
    for (let k = 0; k < count; k++) {
      if (cursor >= used) cursor = 0;
      if (keys[cursor] !== undefined) {
        const fullAt = s[cursor * stride] as number;
        if (fullAt <= now) {
          this.#remove(cursor);
          if (fullAt > this.#forgottenFullAt) this.#forgottenFullAt = fullAt;
        } else if ((usedAt[cursor] as number) < oldestUse) {
          oldestUse = usedAt[cursor] as number;
          oldest = cursor;
        }
      }
      cursor++;
    }
    this.#cursor = cursor;
    return oldest;
  }

  #remove(slot: number): void {
    this.#index.delete(this.#keys[slot] as string);
    this.#keys[slot] = undefined;
    this.#free.push(slot);
  }
}
