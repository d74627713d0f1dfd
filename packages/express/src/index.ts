// @goggles/express: Express 4/5 middleware for goggles boundaries. Named re-exports only.

export { BodyConsumedError, isBodyConsumedError } from "./body-consumed-error.js";
export type { ContextOf, GogglesContext, Register } from "./context.js";
export type { GogglesMiddleware, GogglesOptions } from "./middleware.js";
export { goggles } from "./middleware.js";
