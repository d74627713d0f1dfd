// The `Goggles` namespace: every constructor of @goggles/effect under one name (`Goggles.validate(…)`).

export { coreClock as clock } from "./clock/core-clock.js";
export { fromPolicy } from "./policy/from-policy.js";
export { fromAbortable } from "./run/from-abortable.js";
export { standardSchema } from "./validate/standard.js";
export { defineAdapter, json, validate } from "./validate/validate.js";
