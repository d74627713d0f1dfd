import type { Policy } from "@goggles/core";
import type { PolicyError } from "../errors/from-core.js";
import { type FromPolicyOptions, fromPolicy, type PolicyCombinator } from "./from-policy.js";

/**
 * A made policy: call it on an Effect to run that Effect under the policy (`effect.pipe(breaker)`), or
 * compose several with `wrap`. `policy` is the core policy underneath, for code outside Effect.
 *
 * @example
 * const breaker = yield* circuitBreaker({ name: "partner" });
 * const user = yield* fetchUser(id).pipe(breaker); // Effect<User, FetchError | BrokenCircuitError>
 */
export interface Protection<Err extends PolicyError = PolicyError, Extra = never>
  extends PolicyCombinator<Extra, Err> {
  /** The core policy this runs. */
  readonly policy: Policy<Extra>;
}

/** Marks a protection written in Effect terms (no bridge fiber): `wrap` applies it as it is. */
const NATIVE: unique symbol = Symbol("@goggles/effect/native");

/** Whether a protection runs in Effect terms (`circuitBreaker`, `timeout`) rather than through `fromPolicy`. @internal */
export function isNative(protection: Protection<PolicyError, unknown>): boolean {
  return (protection as unknown as Record<symbol, unknown>)[NATIVE] === true;
}

function decorate<Err extends PolicyError, Extra, X extends object>(
  combinator: PolicyCombinator<Extra, Err>,
  policy: Policy<Extra>,
  extra: X | undefined,
): Protection<Err, Extra> & X {
  const made = combinator as Protection<Err, Extra> & X;
  Object.defineProperty(made, "policy", { value: policy, enumerable: true });
  if (extra !== undefined) Object.defineProperties(made, Object.getOwnPropertyDescriptors(extra));
  return made;
}

/** Makes a `Protection` that runs a core policy through the `fromPolicy` bridge. @internal */
export function protection<Err extends PolicyError, Extra, X extends object = object>(
  policy: Policy<Extra>,
  extra?: X,
  options?: FromPolicyOptions,
): Protection<Err, Extra> & X {
  return decorate(fromPolicy<Extra, Err>(policy, options), policy, extra);
}

/**
 * Makes a `Protection` from a combinator written in Effect terms; `policy` is the equivalent core policy,
 * kept for code outside Effect and for `wrap`'s `policy`. @internal
 */
export function nativeProtection<Err extends PolicyError, Extra, X extends object = object>(
  combinator: PolicyCombinator<Extra, Err>,
  policy: Policy<Extra>,
  extra?: X,
): Protection<Err, Extra> & X {
  const made = decorate(combinator, policy, extra);
  Object.defineProperty(made, NATIVE, { value: true });
  return made;
}
