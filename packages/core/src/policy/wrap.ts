import {
  type ExecuteOptions,
  invoke,
  type Policy,
  type PolicyContext,
  type PolicyFn,
  toContext,
} from "./policy.js";

/**
 * What a policy may answer with besides the call's own result (a fallback's value), read from its type-only
 * `~answers` member: `P extends Policy<infer R>` would infer `unknown` from interfaces that extend `Policy`,
 * since their `execute` is generic. The member is boxed, so a fallback answering `undefined` still counts.
 */
type Extra<P> = P extends { readonly "~answers"?: { readonly answer: infer R } } ? R : never;

/**
 * Composes policies into one; the first given is the outermost, as in cockatiel and Polly. One context
 * `{ signal, attempt }` flows from the outside in: each `timeout()` replaces the signal with its own (which
 * still follows the caller's), `retry()` sets the attempt. The canonical order for an outbound call is
 * `wrap(fallback, bulkhead, timeout(total), retry, circuitBreaker, timeout(perAttempt))`: the breaker counts
 * attempts, and retry waits out a `BrokenCircuitError`'s `retryAfterMs`.
 *
 * @example
 * const policy = wrap(
 *   fallback(() => null),
 *   bulkhead({ limit: 10, queue: 20 }),
 *   timeout(10_000),
 *   retry({ maxAttempts: 3, budget: retryBudget() }),
 *   circuitBreaker({ name: "partner" }),
 *   timeout(2_000),
 * );
 * const res = await policy.execute(({ signal }) => fetch(url, { signal }));
 */
export function wrap<const P extends readonly Policy<unknown>[]>(...policies: P): Policy<Extra<P[number]>> {
  const n = policies.length;
  const layer = <T>(i: number, fn: PolicyFn<T>, context: PolicyContext): Promise<T> => {
    if (i === n) return invoke(fn, context);
    const policy = policies[i] as Policy<never>;
    return policy.execute(i + 1 === n ? fn : (inner) => layer(i + 1, fn, inner), context);
  };
  return {
    execute<T>(fn: PolicyFn<T>, options?: ExecuteOptions) {
      return layer(0, fn, toContext(options));
    },
  };
}
