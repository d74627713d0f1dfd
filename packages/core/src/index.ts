// @goggles/core: the public API at a glance. Named re-exports only.

export type { Clock } from "./clock.js";
// Time
export { systemClock } from "./clock.js";
// Errors
export {
  errorGuard,
  GogglesError,
  isGogglesError,
  isProblemError,
  ProblemError,
} from "./errors/goggles-error.js";
export type { EventHandler, GogglesEvent, GogglesEventType } from "./events.js";
// Events
export { emit } from "./events.js";
export type { BaseContext, Boundary, BoundaryOptions, BoundaryVerdict } from "./http/boundary.js";
export { boundary } from "./http/boundary.js";
export type {
  BodyLimits,
  BodySource,
  BoundaryRequest,
  BoundaryRequestInit,
  FromRequestOptions,
  HeaderReader,
} from "./http/boundary-request.js";
// Inbound boundary
export {
  createBoundaryRequest,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_READ_TIMEOUT_MS,
  fromRequest,
} from "./http/boundary-request.js";
export type { AfterHook, Guard, GuardInput, GuardResult, HandlerOutcome } from "./http/guard.js";
export type { Problem, ProblemInit, ProblemStatus } from "./problem.js";
export {
  badRequest,
  conflict,
  contentTooLarge,
  createProblem,
  forbidden,
  internalError,
  PROBLEM_TYPE_BASE,
  problemBody,
  problemResponse,
  requestTimeout,
  serviceUnavailable,
  tooManyRequests,
  unauthorized,
  unprocessableContent,
  unsupportedMediaType,
} from "./problem.js";
export type { Failure, Success, Verdict } from "./verdict.js";
// Verdicts and problems
export { fail, pass } from "./verdict.js";

// ── Client IP and filters ──────────────────────────────────────────────────────────────────────

export type { Cidr } from "./http/cidr.js";
export { cidrMatcher, parseCidr } from "./http/cidr.js";
export type { ClientIpOptions, ProxyHeader, TrustProxy } from "./http/client-ip.js";
export { clientIp } from "./http/client-ip.js";
export type { IpAddress } from "./http/ip-address.js";
export { formatIp, normalizeIp, parseIp } from "./http/ip-address.js";
export type { IpFilterOptions } from "./http/ip-filter.js";
export { ipFilter } from "./http/ip-filter.js";
export type { IpKeyOptions } from "./http/ip-key.js";
export { ipKey } from "./http/ip-key.js";

// (end of client IP and filters)

// ── Rate limiting ──────────────────────────────────────────────────────────────────────────────
// (end of rate limiting)

// ── Circuit breaker and outbound policies ──────────────────────────────────────────────────────
// (end of circuit breaker and outbound policies)

// ── Webhooks ───────────────────────────────────────────────────────────────────────────────────
// (end of webhooks)

// ── API keys ───────────────────────────────────────────────────────────────────────────────────
// (end of API keys)

// ── Validation and safe parsing ────────────────────────────────────────────────────────────────
// (end of validation and safe parsing)

// ── Sanitizing ─────────────────────────────────────────────────────────────────────────────────
// (end of sanitizing)

// ── Boundary adapter ───────────────────────────────────────────────────────────────────────────
// (end of boundary adapter)

// ── Imports ────────────────────────────────────────────────────────────────────────────────────
// (end of imports)
