/**
 * The delay before retry number `attempt` (1 for the first retry), given the previous delay (0 before the
 * first). Pure: randomness comes from the `random` the backoff was made with.
 */
export type Backoff = (attempt: number, previousMs: number) => number;

/** Options of `exponentialBackoff()`. */
export interface ExponentialBackoffOptions {
  /** The first delay, in ms (default 100). */
  readonly initialMs?: number;
  /** No delay exceeds this, in ms (default 30 000). */
  readonly maxMs?: number;
  /** Growth per retry (default 2). */
  readonly factor?: number;
  /**
   * `"full"` (default): a uniform delay in [0, exponential]; `"decorrelated"`: uniform in
   * [initial, 3 × previous] (AWS "decorrelated jitter"); `"none"`: the exponential itself.
   */
  readonly jitter?: "full" | "decorrelated" | "none";
  /** A source of uniform numbers in [0, 1) (default `Math.random`); inject one to make tests exact. */
  readonly random?: () => number;
}

/**
 * Exponential backoff with full or decorrelated jitter, capped at `maxMs`.
 *
 * @example
 * retry({ backoff: exponentialBackoff({ initialMs: 200, maxMs: 5_000, jitter: "decorrelated" }) });
 */
export function exponentialBackoff(options: ExponentialBackoffOptions = {}): Backoff {
  const initialMs = options.initialMs ?? 100;
  const maxMs = options.maxMs ?? 30_000;
  const factor = options.factor ?? 2;
  const random = options.random ?? Math.random;
  if (!(initialMs >= 0) || !(maxMs >= initialMs) || !(factor >= 1)) {
    throw new RangeError("exponentialBackoff: need 0 <= initialMs <= maxMs and factor >= 1");
  }
  switch (options.jitter ?? "full") {
    case "none":
      return (attempt) => Math.min(maxMs, initialMs * factor ** (attempt - 1));
    case "decorrelated":
      return (_attempt, previousMs) => {
        const upper = Math.max(initialMs, previousMs * 3);
        return Math.min(maxMs, initialMs + random() * (upper - initialMs));
      };
    default:
      return (attempt) => random() * Math.min(maxMs, initialMs * factor ** (attempt - 1));
  }
}

/**
 * The same delay before every retry.
 *
 * @example
 * retry({ maxAttempts: 5, backoff: constantBackoff(250) });
 */
export function constantBackoff(ms: number): Backoff {
  if (!(ms >= 0)) throw new RangeError(`constantBackoff: ms must be non-negative, got ${ms}`);
  return () => ms;
}
