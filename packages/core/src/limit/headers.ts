import type { LimitPolicy, LimitResult } from "./limiter.js";

/** Options for `rateLimitHeaders`. */
export interface RateLimitHeaderOptions {
  /** Also write `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (epoch seconds). */
  legacy?: boolean;
  /** The current time in ms, for the legacy reset timestamp. */
  now?: number;
}

/**
 * The `RateLimit-Policy` field of draft-ietf-httpapi-ratelimit-headers-11: one item per limit, its quota
 * (`q`, whole tokens) and window (`w`, seconds for an empty bucket to refill).
 *
 * @example
 * rateLimitPolicyHeader(limiter.limits); // "\"burst\";q=10;w=1, \"daily\";q=1000;w=86400"
 */
export function rateLimitPolicyHeader(limits: readonly LimitPolicy[]): string {
  let out = "";
  for (const limit of limits) {
    if (out !== "") out += ", ";
    out += `"${limit.name}";q=${Math.floor(limit.capacity)};w=${Math.max(1, Math.ceil(limit.windowSeconds))}`;
  }
  return out;
}

/**
 * The `RateLimit` field of draft-ietf-httpapi-ratelimit-headers-11: one item per limit with the whole tokens
 * remaining (`r`) and the seconds until the bucket is full again (`t`).
 *
 * @example
 * rateLimitHeader(result); // "\"burst\";r=9;t=1, \"daily\";r=999;t=87"
 */
export function rateLimitHeader(result: LimitResult): string {
  const policies = result.policies;
  // A limiter of one limit: its top-level numbers are that limit's view.
  if (policies === undefined) return rateLimitItem(result.policy, result.remaining, result.resetMs);
  let out = "";
  for (const p of policies) {
    if (out !== "") out += ", ";
    out += rateLimitItem(p.name, p.remaining, p.resetMs);
  }
  return out;
}

/** One item of the `RateLimit` field. */
function rateLimitItem(name: string, remaining: number, resetMs: number): string {
  return `"${name}";r=${remaining};t=${Math.ceil(resetMs / 1000)}`;
}

/**
 * Every rate-limit response header for a decision (lower-case names), `Retry-After` included when the
 * request was refused.
 *
 * @example
 * const headers = rateLimitHeaders(limiter.limits, await limiter.consume(key), { legacy: true, now: Date.now() });
 */
export function rateLimitHeaders(
  limits: readonly LimitPolicy[],
  result: LimitResult,
  options: RateLimitHeaderOptions = {},
): Record<string, string> {
  const headers: Record<string, string> = {
    "ratelimit-policy": rateLimitPolicyHeader(limits),
    ratelimit: rateLimitHeader(result),
  };
  if (!result.allowed) headers["retry-after"] = String(retryAfterSeconds(result.retryAfterMs));
  if (options.legacy) {
    headers["x-ratelimit-limit"] = String(Math.floor(result.limit));
    headers["x-ratelimit-remaining"] = String(result.remaining);
    headers["x-ratelimit-reset"] = String(Math.ceil(((options.now ?? 0) + result.resetMs) / 1000));
  }
  return headers;
}

/** Whole seconds for `Retry-After`: rounded up, at least 1. @example retryAfterSeconds(1200) // 2 */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
