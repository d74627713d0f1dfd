import { type Clock, systemClock } from "../clock.js";
import type { ExecuteOptions, PolicyFn } from "../policy/policy.js";
import { type CircuitBreaker, type CircuitBreakerOptions, circuitBreaker } from "./circuit-breaker.js";

/** Options of `circuitBreakers()`. */
export interface CircuitBreakersOptions {
  /** Options for every breaker, or a function of the key giving each its own. `name` defaults to the key. */
  readonly breaker?: CircuitBreakerOptions | ((key: string) => CircuitBreakerOptions);
  /** Breakers kept at most; the least recently used one is dropped to make room (default 1 000). */
  readonly maxBreakers?: number;
  /** A breaker unused this long (ms) is dropped when the registry is next used (default 600 000). */
  readonly idleMs?: number;
  /** The clock for idleness; each breaker uses its own options' clock, or this one. */
  readonly clock?: Clock;
}

/**
 * A keyed set of breakers, one per host, partner or tenant, so one bad partner cannot open the others'.
 *
 * @example
 * const breakers = circuitBreakers({ breaker: { openFor: 5_000 }, maxBreakers: 500 });
 * await breakers.execute(new URL(url).host, ({ signal }) => fetch(url, { signal }));
 */
export interface CircuitBreakers {
  /** The breaker for `key`, made on first use. */
  get(key: string): CircuitBreaker;
  /** Runs `fn` through the breaker for `key`. */
  execute<T>(key: string, fn: PolicyFn<T>, options?: ExecuteOptions): Promise<T>;
  /** Forgets the breaker for `key`. */
  delete(key: string): boolean;
  /** Breakers currently held. */
  readonly size: number;
  /** The keys currently held, least recently used first. */
  keys(): IterableIterator<string>;
}

interface Held {
  readonly breaker: CircuitBreaker;
  lastUsed: number;
}

/** How many idle breakers one `get` may drop (keeps each call's work bounded). */
const SWEEP = 4;

/**
 * Makes a bounded registry of breakers. No timers: idle breakers are found at the least-recently-used end
 * when the registry is used, and the oldest is evicted when `maxBreakers` is reached. An evicted breaker
 * forgets its state; keep `idleMs` above your `openFor` so an open breaker is not forgotten early.
 *
 * @example
 * const perPartner = circuitBreakers({ breaker: (key) => ({ strategy: consecutive({ threshold: key === "bank" ? 3 : 10 }) }) });
 * const breaker = perPartner.get("bank");
 */
export function circuitBreakers(options: CircuitBreakersOptions = {}): CircuitBreakers {
  const maxBreakers = options.maxBreakers ?? 1_000;
  const idleMs = options.idleMs ?? 600_000;
  const clock = options.clock ?? systemClock;
  if (!Number.isInteger(maxBreakers) || maxBreakers < 1) {
    throw new RangeError(`maxBreakers must be a positive integer, got ${maxBreakers}`);
  }
  const held = new Map<string, Held>();
  const make = (key: string): CircuitBreaker => {
    const base = typeof options.breaker === "function" ? options.breaker(key) : options.breaker;
    return circuitBreaker({ name: key, clock, ...base });
  };
  const get = (key: string): CircuitBreaker => {
    const now = clock.now();
    let h = held.get(key);
    if (h !== undefined) {
      h.lastUsed = now;
      held.delete(key);
      held.set(key, h);
      return h.breaker;
    }
    let swept = 0;
    for (const [k, old] of held) {
      if (swept >= SWEEP || now - old.lastUsed < idleMs) break;
      held.delete(k);
      swept++;
    }
    if (held.size >= maxBreakers) held.delete(held.keys().next().value as string);
    h = { breaker: make(key), lastUsed: now };
    held.set(key, h);
    return h.breaker;
  };
  return {
    get,
    execute: (key, fn, executeOptions) => get(key).execute(fn, executeOptions),
    delete: (key) => held.delete(key),
    get size() {
      return held.size;
    },
    keys: () => held.keys(),
  };
}
