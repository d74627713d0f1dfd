/**
 * One measured function. `fn` may be async; mitata awaits it. A case that mitata cannot time per call (an
 * HTTP server under load) gives `measure` instead: it runs once per repeat and returns nanoseconds per
 * operation (for a load test, 1e9 / requests per second).
 */
export interface BenchCase {
  readonly name: string;
  readonly fn?: () => unknown;
  readonly measure?: () => Promise<number>;
  /** The peer library this case measures, or undefined for goggles' own (and baselines). */
  readonly peer?: string;
}

/**
 * A comparison the README promises: `speedup = median(peer) / median(ours)`, so 2 means goggles is twice as
 * fast. `min` is the target (e.g. "within 1.3× of X" is `min: 1 / 1.3`).
 */
export interface Ratio {
  readonly ours: string;
  readonly peer: string;
  readonly min?: number;
  /** The target as the issue states it, e.g. "at least 2× rate-limiter-flexible". */
  readonly target?: string;
}

/** A benchmark suite: one file in `src/suites/`, default-exporting this shape. */
export interface Suite {
  readonly name: string;
  readonly description: string;
  /** Repeat the whole suite this many times and keep the median of each case's medians (default 1). */
  readonly repeat?: number;
  setup?(): Promise<void> | void;
  teardown?(): Promise<void> | void;
  readonly cases: readonly BenchCase[];
  readonly ratios: readonly Ratio[];
  /** Extra measured facts (bytes per key, records/s) computed outside mitata, written as given. */
  readonly facts?: () => Promise<Record<string, string>> | Record<string, string>;
  readonly notes?: readonly string[];
}

/** Defines a suite (typed identity). */
export function defineSuite(suite: Suite): Suite {
  return suite;
}
