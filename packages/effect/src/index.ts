// @goggles/effect: the public API at a glance. Named re-exports only.

// ── Time ───────────────────────────────────────────────────────────────────────────────────────
export { coreClock, fromEffectClock, GogglesClock } from "./clock/core-clock.js";
// ── Errors ─────────────────────────────────────────────────────────────────────────────────────
export { BrokenCircuitError } from "./errors/broken-circuit-error.js";
export { BulkheadRejectedError } from "./errors/bulkhead-rejected-error.js";
export type { GogglesTaggedError, LimiterError, PolicyError } from "./errors/from-core.js";
export { fromCoreError } from "./errors/from-core.js";
export { LimiterInputError } from "./errors/limiter-input-error.js";
export { RateLimitedError } from "./errors/rate-limited-error.js";
export { RetryBudgetExhaustedError } from "./errors/retry-budget-exhausted-error.js";
export { TimeoutError } from "./errors/timeout-error.js";
export { ValidationError } from "./errors/validation-error.js";
// Everything below under one name: `Goggles.validate(…)`, `Goggles.fromPolicy(…)`.
export * as Goggles from "./goggles.js";

// ── Policies ───────────────────────────────────────────────────────────────────────────────────
export type { PolicyCombinator } from "./policy/from-policy.js";
export { fromPolicy, PolicyAttempt } from "./policy/from-policy.js";
export type { PolicyCallContext, PolicyLike } from "./policy/policy-like.js";
export type { FromAbortableOptions } from "./run/from-abortable.js";
export { fromAbortable } from "./run/from-abortable.js";

// ── Boundary validation with Effect Schema ─────────────────────────────────────────────────────
export type { BoundarySchema } from "./validate/standard.js";
export { standardSchema } from "./validate/standard.js";
export type { EffectAdapter, EffectAdapterOptions, JsonOptions, OutputOf } from "./validate/validate.js";
export { defineAdapter, json, validate } from "./validate/validate.js";
