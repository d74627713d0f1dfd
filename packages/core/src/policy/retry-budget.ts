import { type Clock, systemClock } from "../clock.js";

/** Options of `retryBudget()`. */
export interface RetryBudgetOptions {
  /** Retries allowed as a share of calls over the window (default 0.1: one retry per ten calls). */
  readonly ratio?: number;
  /** Retries always allowed per second, however few the calls (default 10). */
  readonly minPerSecond?: number;
  /** The window calls and retries are counted over, in ms (default 10 000). */
  readonly windowMs?: number;
  readonly clock?: Clock;
}

/**
 * Caps retries to a share of recent calls, so that when a dependency fails every caller's retries cannot
 * multiply the load on it (Finagle's and gRPC's retry budgets). Share one budget between the `retry()`
 * policies that call the same dependency.
 *
 * @example
 * const budget = retryBudget({ ratio: 0.2, minPerSecond: 5 });
 * const policy = retry({ maxAttempts: 4, budget });
 */
export interface RetryBudget {
  /** Counts one call (a first attempt). */
  recordCall(): void;
  /** Takes one retry from the budget; `false` when none is left. */
  tryRetry(): boolean;
  /** Retries left right now. */
  readonly available: number;
}

const BUCKETS = 10;

/**
 * Makes a retry budget: over the last `windowMs` (ten buckets, no timers, fixed memory), retries may number
 * `minPerSecond × windowMs / 1000 + ratio × calls`.
 *
 * @example
 * const budget = retryBudget({ ratio: 0.1, minPerSecond: 10 });
 */
export function retryBudget(options: RetryBudgetOptions = {}): RetryBudget {
  const ratio = options.ratio ?? 0.1;
  const minPerSecond = options.minPerSecond ?? 10;
  const windowMs = options.windowMs ?? 10_000;
  const clock = options.clock ?? systemClock;
  if (!(ratio >= 0) || !(minPerSecond >= 0) || !(windowMs > 0)) {
    throw new RangeError("retryBudget: need ratio >= 0, minPerSecond >= 0, windowMs > 0");
  }
  const bucketMs = windowMs / BUCKETS;
  const floor = (minPerSecond * windowMs) / 1000;
  const calls = new Float64Array(BUCKETS);
  const retries = new Float64Array(BUCKETS);
  const stamps = new Float64Array(BUCKETS).fill(Number.NEGATIVE_INFINITY);
  const slot = (index: number): number => {
    const i = ((index % BUCKETS) + BUCKETS) % BUCKETS;
    if (stamps[i] !== index) {
      stamps[i] = index;
      calls[i] = 0;
      retries[i] = 0;
    }
    return i;
  };
  const left = (index: number): number => {
    let c = 0;
    let r = 0;
    for (let i = 0; i < BUCKETS; i++) {
      const stamp = stamps[i] as number;
      if (stamp > index - BUCKETS && stamp <= index) {
        c += calls[i] as number;
        r += retries[i] as number;
      }
    }
    return floor + ratio * c - r;
  };
  return {
    recordCall() {
      const i = slot(Math.floor(clock.now() / bucketMs));
      calls[i] = (calls[i] as number) + 1;
    },
    tryRetry() {
      const index = Math.floor(clock.now() / bucketMs);
      if (left(index) < 1) return false;
      const i = slot(index);
      retries[i] = (retries[i] as number) + 1;
      return true;
    },
    get available() {
      return Math.max(0, Math.floor(left(Math.floor(clock.now() / bucketMs))));
    },
  };
}
