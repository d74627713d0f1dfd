/**
 * # The token-bucket arithmetic: the specification every limiter store implements
 *
 * This file is the single source of truth. `MemoryStore` implements it in place on a typed array, the Redis
 * store in Lua (`@goggles/redis-store`); the shared store contract suite and a model-based property test
 * check them against the functions below.
 *
 * A key holds one bucket per named limit. Limit `i` has a `capacity` (the burst) and a refill rate
 * `refillPerMs` (tokens per millisecond). The state of a key is `at` (the time in ms of its last write) and
 * `tokens[i]` (fractional tokens in bucket `i` at time `at`). A key without state is a set of full buckets:
 * full buckets carry no information, so a store may forget them at any time.
 *
 * Deciding a request of `cost` tokens at time `now`:
 *
 * ```text
 * t        = max(at, now)                              -- a clock going back never mints tokens
 * avail[i] = min(capacity[i], tokens[i] + (t − at) × refillPerMs[i])
 * allowed  = for every i: avail[i] ≥ cost − ε × capacity[i]     (ε = 1e-9 absorbs float rounding)
 * if allowed and cost > 0:  write at = t, tokens[i] = max(0, avail[i] − cost)   -- all buckets or none
 * otherwise:                write nothing (a rejected call consumes nothing; cost 0 peeks)
 * left[i]  = allowed ? avail[i] − cost : avail[i]       -- what the caller is told
 * ```
 *
 * Reported per limit (integers; durations in ms):
 *
 * ```text
 * remaining[i]    = floor(left[i] + ε × capacity[i]), at least 0
 * retryAfterMs[i] = avail[i] ≥ cost − ε × capacity[i] ? 0 : ceil((cost − avail[i]) / refillPerMs[i])
 * resetMs[i]      = ceil((capacity[i] − left[i]) / refillPerMs[i])   -- until the bucket is full again
 * ```
 *
 * A refund of `cost` at `now`: `at = t`, `tokens[i] = min(capacity[i], avail[i] + cost)`; no state stays no
 * state, and a refund that fills every bucket deletes the state. A key's state can be dropped once every bucket is full again, at `at + max_i((capacity[i] −
 * tokens[i]) / refillPerMs[i])` (Redis: the key's expiry). A store that drops state by that time must not let a
 * clock that then goes back below it find full buckets: `MemoryStore` starts keys without state short of full
 * while its clock reads earlier than the latest such time it dropped.
 *
 * Consequences, checked by property tests: over any interval of length `d` a bucket admits at most
 * `capacity + refill × d` tokens; tokens are never negative; available tokens never decrease as time passes
 * without calls; a cost above a capacity is never admitted (the limiter refuses it before asking the store).
 */

/** One bucket's parameters, as stores see them. */
export interface BucketLimit {
  /** The policy name (`"default"` for a single-limit limiter). */
  readonly name: string;
  /** The most tokens the bucket holds: the burst. */
  readonly capacity: number;
  /** Tokens added per millisecond. */
  readonly refillPerMs: number;
}

/** The stored state of one key: the time of its last write and the tokens of each bucket at that time. */
export interface BucketState {
  readonly at: number;
  readonly tokens: readonly number[];
}

/** The outcome of `decideBuckets`. */
export interface BucketDecision {
  readonly allowed: boolean;
  /** The state to store: a new object when the decision wrote, the given one (or `undefined`) when not. */
  readonly state: BucketState | undefined;
  /** `left[i]` of the specification: tokens after the decision (before it, when rejected). */
  readonly tokens: readonly number[];
}

/** What one bucket reports, derived from `left[i]`. */
export interface BucketReport {
  readonly remaining: number;
  readonly retryAfterMs: number;
  readonly resetMs: number;
}

/** The relative tolerance that absorbs float rounding (`ε` of the specification). */
export const TOKEN_EPSILON = 1e-9;

/**
 * Decides a request of `cost` tokens against every bucket of a key at `now`: the reference implementation
 * of the specification above. Pure: returns the new state instead of writing it.
 *
 * @example
 * const limits = [{ name: "default", capacity: 10, refillPerMs: 1 / 1000 }];
 * const first = decideBuckets(undefined, limits, 0, 1); // { allowed: true, tokens: [9], state: { at: 0, tokens: [9] } }
 */
export function decideBuckets(
  state: BucketState | undefined,
  limits: readonly BucketLimit[],
  now: number,
  cost: number,
): BucketDecision {
  const at = state === undefined ? now : state.at;
  const t = Math.max(now, at);
  const avail = limits.map((limit, i) => {
    if (state === undefined) return limit.capacity;
    const refilled = (state.tokens[i] as number) + (t - at) * limit.refillPerMs;
    return Math.min(refilled, limit.capacity);
  });
  const allowed = limits.every((limit, i) => (avail[i] as number) >= cost - TOKEN_EPSILON * limit.capacity);
  if (!allowed) return { allowed, state, tokens: avail };
  const left = avail.map((a) => a - cost);
  if (cost === 0) return { allowed, state, tokens: left };
  return { allowed, state: { at: t, tokens: left.map((x) => Math.max(x, 0)) }, tokens: left };
}

/**
 * Gives `cost` tokens back to every bucket of a key (never above capacity): undoes a consume whose request
 * should not count. A key without state stays without state.
 *
 * @example
 * refundBuckets({ at: 0, tokens: [3] }, limits, 500, 1); // { at: 500, tokens: [4.5] } at 1 token/s
 */
export function refundBuckets(
  state: BucketState | undefined,
  limits: readonly BucketLimit[],
  now: number,
  cost: number,
): BucketState | undefined {
  if (state === undefined) return undefined;
  const t = Math.max(now, state.at);
  const tokens = limits.map((limit, i) => {
    const refilled = (state.tokens[i] as number) + (t - state.at) * limit.refillPerMs + cost;
    return Math.min(refilled, limit.capacity);
  });
  return tokens.every((x, i) => x >= (limits[i] as BucketLimit).capacity) ? undefined : { at: t, tokens };
}

/**
 * When every bucket of a key is full again (ms): the state can be forgotten from then on.
 *
 * @example
 * fullAt({ at: 1000, tokens: [4] }, [{ name: "default", capacity: 10, refillPerMs: 0.001 }]); // 7000
 */
export function fullAt(state: BucketState, limits: readonly BucketLimit[]): number {
  let latest = state.at;
  limits.forEach((limit, i) => {
    const when = state.at + (limit.capacity - (state.tokens[i] as number)) / limit.refillPerMs;
    if (when > latest) latest = when;
  });
  return latest;
}

/**
 * What one bucket reports for a decision: whole remaining tokens, the wait until `cost` would pass, and the
 * wait until the bucket is full again, from `left` (tokens after the decision) and `avail` (before it).
 *
 * @example
 * reportBucket({ name: "default", capacity: 10, refillPerMs: 0.001 }, 0.5, 1, false);
 * // { remaining: 0, retryAfterMs: 500, resetMs: 9500 }
 */
export function reportBucket(limit: BucketLimit, left: number, cost: number, allowed: boolean): BucketReport {
  const slack = TOKEN_EPSILON * limit.capacity;
  const avail = allowed ? left + cost : left;
  const whole = Math.floor(left + slack);
  const missing = limit.capacity - left;
  return {
    remaining: Math.max(whole, 0),
    retryAfterMs: avail >= cost - slack ? 0 : Math.ceil((cost - slack - avail) / limit.refillPerMs),
    resetMs: missing <= slack ? 0 : Math.ceil(missing / limit.refillPerMs),
  };
}
