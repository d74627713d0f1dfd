// The `Goggles` namespace: every constructor of @goggles/effect under one name (`Goggles.circuitBreaker(…)`).

export { coreClock as clock } from "./clock/core-clock.js";
export { limiter } from "./limit/limiter.js";
export { circuitBreaker } from "./policy/circuit-breaker.js";
export { fromPolicy } from "./policy/from-policy.js";
export { bulkhead, fallback, retry, retryBudget, timeout, wrap } from "./policy/policies.js";
export { fromAbortable } from "./run/from-abortable.js";
export { standardSchema } from "./validate/standard.js";
export { defineAdapter, json, validate } from "./validate/validate.js";
