/**
 * How a closed breaker decides to open. A strategy makes windows; a window records each call's outcome and
 * answers with a reason when the breaker must trip. Windows are fixed-size (no growth, no timers).
 *
 * @example
 * circuitBreaker({ strategy: countWindow({ size: 20, failureRate: 0.5, minimumCalls: 10 }) });
 */
export interface BreakerStrategy {
  /** Whether windows need the call's start time and duration (time windows, slow calls). */
  readonly needsTime: boolean;
  /** A fresh, empty window. */
  create(): StrategyWindow;
  /** Whether one probe's outcome counts as a failure while half-open. */
  isFailure(failed: boolean, durationMs: number): boolean;
}

/** The counting state of a closed breaker, updated in place (copying it per call would allocate). */
export interface StrategyWindow {
  /** Records one call; returns why the breaker must open, or `undefined`. */
  record(failed: boolean, durationMs: number, now: number): string | undefined;
}

const failedOnly = (failed: boolean): boolean => failed;

/** Options of `consecutive()`. */
export interface ConsecutiveOptions {
  /** Consecutive failures that open the breaker (default 5). */
  readonly threshold?: number;
}

class ConsecutiveWindow implements StrategyWindow {
  failures = 0;
  constructor(readonly threshold: number) {}
  record(failed: boolean): string | undefined {
    if (!failed) {
      this.failures = 0;
      return undefined;
    }
    return ++this.failures >= this.threshold ? "consecutive_failures" : undefined;
  }
}

/**
 * Opens after `threshold` failures in a row; any success resets the count.
 *
 * @example
 * circuitBreaker({ strategy: consecutive({ threshold: 3 }) });
 */
export function consecutive(options: ConsecutiveOptions = {}): BreakerStrategy {
  const threshold = positiveInt(options.threshold ?? 5, "threshold");
  return { needsTime: false, create: () => new ConsecutiveWindow(threshold), isFailure: failedOnly };
}

/** Options shared by the rate strategies. */
export interface RateOptions {
  /** The share of bad calls (0–1] at or above which the breaker opens (default 0.5). */
  readonly failureRate?: number;
  /** No rate trips before the window holds this many calls (default 10). */
  readonly minimumCalls?: number;
}

/** Options of `countWindow()`. */
export interface CountWindowOptions extends RateOptions {
  /** How many of the latest calls the rate is computed over (default 20). */
  readonly size?: number;
}

/** Options of `timeWindow()`. */
export interface TimeWindowOptions extends RateOptions {
  /** The window's length in ms (default 60 000). */
  readonly windowMs?: number;
  /** Buckets the window slides by (default 10): the window moves `windowMs / buckets` at a time. */
  readonly buckets?: number;
}

type Classify = (failed: boolean, durationMs: number) => boolean;

class CountWindow implements StrategyWindow {
  readonly ring: Uint8Array;
  pos = 0;
  count = 0;
  bad = 0;
  constructor(
    size: number,
    readonly rate: number,
    readonly minimumCalls: number,
    readonly classify: Classify,
    readonly reason: string,
  ) {
    this.ring = new Uint8Array(size);
  }
  record(failed: boolean, durationMs: number): string | undefined {
    const b = this.classify(failed, durationMs) ? 1 : 0;
    const ring = this.ring;
    if (this.count === ring.length) this.bad -= ring[this.pos] as number;
    else this.count++;
    ring[this.pos] = b;
    this.bad += b;
    this.pos = this.pos + 1 === ring.length ? 0 : this.pos + 1;
    return this.count >= this.minimumCalls && this.bad / this.count >= this.rate ? this.reason : undefined;
  }
}

class TimeWindow implements StrategyWindow {
  readonly totals: Uint32Array;
  readonly bads: Uint32Array;
  readonly stamps: Float64Array;
  constructor(
    readonly bucketMs: number,
    buckets: number,
    readonly rate: number,
    readonly minimumCalls: number,
    readonly classify: Classify,
    readonly reason: string,
  ) {
    this.totals = new Uint32Array(buckets);
    this.bads = new Uint32Array(buckets);
    this.stamps = new Float64Array(buckets).fill(Number.NEGATIVE_INFINITY);
  }
  record(failed: boolean, durationMs: number, now: number): string | undefined {
    const n = this.totals.length;
    const index = Math.floor(now / this.bucketMs);
    const slot = ((index % n) + n) % n;
    if (this.stamps[slot] !== index) {
      this.stamps[slot] = index;
      this.totals[slot] = 0;
      this.bads[slot] = 0;
    }
    this.totals[slot] = (this.totals[slot] as number) + 1;
    if (this.classify(failed, durationMs)) this.bads[slot] = (this.bads[slot] as number) + 1;
    let total = 0;
    let bad = 0;
    const oldest = index - n;
    for (let i = 0; i < n; i++) {
      const stamp = this.stamps[i] as number;
      if (stamp > oldest && stamp <= index) {
        total += this.totals[i] as number;
        bad += this.bads[i] as number;
      }
    }
    return total >= this.minimumCalls && bad / total >= this.rate ? this.reason : undefined;
  }
}

function rateOf(options: RateOptions): { rate: number; minimumCalls: number } {
  const rate = options.failureRate ?? 0.5;
  if (!(rate > 0 && rate <= 1)) throw new RangeError(`failureRate must be in (0, 1], got ${rate}`);
  return { rate, minimumCalls: positiveInt(options.minimumCalls ?? 10, "minimumCalls") };
}

/**
 * Opens when the share of failures among the last `size` calls reaches `failureRate`, once at least
 * `minimumCalls` calls were seen.
 *
 * @example
 * circuitBreaker({ strategy: countWindow({ size: 50, failureRate: 0.25, minimumCalls: 20 }) });
 */
export function countWindow(options: CountWindowOptions = {}): BreakerStrategy {
  const size = positiveInt(options.size ?? 20, "size");
  const { rate, minimumCalls } = rateOf(options);
  return {
    needsTime: false,
    create: () => new CountWindow(size, rate, minimumCalls, failedOnly, "failure_rate"),
    isFailure: failedOnly,
  };
}

/**
 * Opens when the share of failures over the last `windowMs` (sliding by `windowMs / buckets`) reaches
 * `failureRate`, once at least `minimumCalls` calls fell in the window.
 *
 * @example
 * circuitBreaker({ strategy: timeWindow({ windowMs: 30_000, buckets: 10, failureRate: 0.5 }) });
 */
export function timeWindow(options: TimeWindowOptions = {}): BreakerStrategy {
  const windowMs = options.windowMs ?? 60_000;
  const buckets = positiveInt(options.buckets ?? 10, "buckets");
  if (!(windowMs > 0)) throw new RangeError(`windowMs must be positive, got ${windowMs}`);
  const { rate, minimumCalls } = rateOf(options);
  return {
    needsTime: true,
    create: () => new TimeWindow(windowMs / buckets, buckets, rate, minimumCalls, failedOnly, "failure_rate"),
    isFailure: failedOnly,
  };
}

/** Options of `slowCalls()`: a count window (`size`) by default, a time window when `windowMs` is given. */
export interface SlowCallsOptions extends RateOptions {
  /** A call taking this long or longer (ms) is slow, whether it succeeded or failed. */
  readonly slowMs: number;
  readonly size?: number;
  readonly windowMs?: number;
  readonly buckets?: number;
}

/**
 * Opens when the share of slow calls (at least `slowMs`, successful or not) reaches `failureRate`: a
 * dependency that answers, but too late, is treated as failing. A slow half-open probe counts as a failure.
 *
 * @example
 * circuitBreaker({ strategy: [consecutive({ threshold: 5 }), slowCalls({ slowMs: 2_000, failureRate: 0.8 })] });
 */
export function slowCalls(options: SlowCallsOptions): BreakerStrategy {
  const slowMs = options.slowMs;
  if (!(slowMs >= 0)) throw new RangeError(`slowMs must be a non-negative number, got ${slowMs}`);
  const { rate, minimumCalls } = rateOf(options);
  const slow: Classify = (_failed, durationMs) => durationMs >= slowMs;
  const isFailure: Classify = (failed, durationMs) => failed || durationMs >= slowMs;
  if (options.windowMs !== undefined) {
    const windowMs = options.windowMs;
    if (!(windowMs > 0)) throw new RangeError(`windowMs must be positive, got ${windowMs}`);
    const buckets = positiveInt(options.buckets ?? 10, "buckets");
    return {
      needsTime: true,
      create: () => new TimeWindow(windowMs / buckets, buckets, rate, minimumCalls, slow, "slow_call_rate"),
      isFailure,
    };
  }
  const size = positiveInt(options.size ?? 20, "size");
  return {
    needsTime: true,
    create: () => new CountWindow(size, rate, minimumCalls, slow, "slow_call_rate"),
    isFailure,
  };
}

class AnyWindow implements StrategyWindow {
  constructor(readonly windows: readonly StrategyWindow[]) {}
  record(failed: boolean, durationMs: number, now: number): string | undefined {
    let reason: string | undefined;
    for (const w of this.windows) reason = w.record(failed, durationMs, now) ?? reason;
    return reason;
  }
}

/**
 * Combines strategies: the breaker opens when any of them says so. `circuitBreaker({ strategy: [a, b] })`
 * does the same.
 *
 * @example
 * circuitBreaker({ strategy: anyOf(consecutive({ threshold: 10 }), slowCalls({ slowMs: 1_000 })) });
 */
export function anyOf(...strategies: readonly BreakerStrategy[]): BreakerStrategy {
  if (strategies.length === 1) return strategies[0] as BreakerStrategy;
  return {
    needsTime: strategies.some((s) => s.needsTime),
    create: () => new AnyWindow(strategies.map((s) => s.create())),
    isFailure: (failed, durationMs) => strategies.some((s) => s.isFailure(failed, durationMs)),
  };
}

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
