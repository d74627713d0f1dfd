import type { Policy } from "@goggles/core";
import type { PolicyError } from "../errors/from-core.js";
import { type FromPolicyOptions, fromPolicy, type PolicyCombinator } from "./from-policy.js";

/**
 * A made policy: call it on an Effect to run that Effect under the policy (`effect.pipe(breaker)`), or
 * compose several with `wrap` (one bridge fiber per attempt for the whole stack). `policy` is the core
 * policy underneath, for code outside Effect.
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

/** Makes a `Protection` from a core policy, adding `extra` properties to the combinator. @internal */
export function protection<Err extends PolicyError, Extra, X extends object = object>(
  policy: Policy<Extra>,
  extra?: X,
  options?: FromPolicyOptions,
): Protection<Err, Extra> & X {
  const combinator = fromPolicy<Extra, Err>(policy, options) as Protection<Err, Extra> & X;
  Object.defineProperty(combinator, "policy", { value: policy, enumerable: true });
  if (extra !== undefined) Object.defineProperties(combinator, Object.getOwnPropertyDescriptors(extra));
  return combinator;
}
