// @goggles/koa: Koa 2/3 middleware for goggles boundaries. Named re-exports only.

export { BodyConsumedError, isBodyConsumedError } from "./body-consumed-error.js";
export type { GogglesMiddleware, GogglesOptions, KoaContextLike } from "./middleware.js";
export { goggles } from "./middleware.js";
