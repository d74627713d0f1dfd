// @goggles/effect: the public API at a glance. Named re-exports only. `Goggles` holds every constructor
// under one name: `Goggles.circuitBreaker(…)`, `Goggles.retry(…)`, `Goggles.validate(…)`.

// Time
export { coreClock, fromEffectClock, GogglesClock } from "./clock/core-clock.js";
// Tagged errors
export { BrokenCircuitError } from "./errors/broken-circuit-error.js";
export { BulkheadRejectedError } from "./errors/bulkhead-rejected-error.js";
export type { GogglesTaggedError, LimiterError, PolicyError } from "./errors/from-core.js";
export { fromCoreError } from "./errors/from-core.js";
export { LimiterInputError } from "./errors/limiter-input-error.js";
export { RateLimitedError } from "./errors/rate-limited-error.js";
export { RetryBudgetExhaustedError } from "./errors/retry-budget-exhausted-error.js";
export { TimeoutError } from "./errors/timeout-error.js";
export { ValidationError } from "./errors/validation-error.js";
// The namespace
export * as Goggles from "./goggles.js";
// Rate limiting and its stores
export type { Limiter, LimiterOptions } from "./limit/limiter.js";
export { limiter } from "./limit/limiter.js";
export { LimiterStores } from "./limit/limiter-stores.js";
// Outbound policies and their stores
export { BreakerStates } from "./policy/breaker-states.js";
export type { CircuitBreaker, CircuitBreakerOptions } from "./policy/circuit-breaker.js";
export { circuitBreaker } from "./policy/circuit-breaker.js";
// Running core calls and any core policy
export type { FromPolicyOptions, PolicyCombinator } from "./policy/from-policy.js";
export { fromPolicy, PolicyAttempt } from "./policy/from-policy.js";
export type {
  Bulkhead,
  BulkheadOptions,
  RetryBudgetOptions,
  RetryOptions,
  TimeoutOptions,
} from "./policy/policies.js";
export { bulkhead, fallback, retry, retryBudget, timeout, wrap } from "./policy/policies.js";
export type { PolicyCallContext, PolicyLike } from "./policy/policy-like.js";
export type { Protection } from "./policy/protection.js";
export type { FromAbortableOptions } from "./run/from-abortable.js";
export { fromAbortable } from "./run/from-abortable.js";
// Boundary validation with Effect Schema
export type { BoundarySchema } from "./validate/standard.js";
export { standardSchema } from "./validate/standard.js";
export type { EffectAdapter, EffectAdapterOptions, JsonOptions, OutputOf } from "./validate/validate.js";
export { defineAdapter, json, validate } from "./validate/validate.js";
