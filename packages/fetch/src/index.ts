// @goggles/fetch: goggles for fetch-style handlers, and a protected outbound fetch. Named re-exports only.

// Inbound
export type { ProtectedHandler, WithBoundaryOptions } from "./inbound/with-boundary.js";
export { withBoundary } from "./inbound/with-boundary.js";
