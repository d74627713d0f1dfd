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
export { AsyncSchemaError, isAsyncSchemaError } from "./errors/async-schema-error.js";
export type { FormOptions } from "./validate/form.js";
export { form } from "./validate/form.js";
export type { BodyOf, JsonOptions } from "./validate/json.js";
export { isJsonMediaType, json } from "./validate/json.js";
export type { MediaType } from "./validate/media-type.js";
export { parseMediaType } from "./validate/media-type.js";
export type { FormFields, ParseFormOptions } from "./validate/parse-form.js";
export { DEFAULT_MAX_FORM_FIELD_BYTES, DEFAULT_MAX_FORM_FIELDS, parseForm } from "./validate/parse-form.js";
export type { ParseJsonOptions } from "./validate/parse-json.js";
export { DEFAULT_MAX_JSON_DEPTH, DEFAULT_MAX_JSON_KEYS, parseJson } from "./validate/parse-json.js";
export type { StandardSchemaV1 } from "./validate/standard-schema.js";
export type { ValidateOptions, ValidationIssue } from "./validate/validate.js";
export {
  DEFAULT_MAX_ISSUES,
  issuePath,
  validate,
  validateSync,
  validationProblem,
} from "./validate/validate.js";
// (end of validation and safe parsing)

// ── Sanitizing ─────────────────────────────────────────────────────────────────────────────────
// (end of sanitizing)

// ── Boundary adapter ───────────────────────────────────────────────────────────────────────────
export type { Adapter, AdapterOptions } from "./adapt/define-adapter.js";
export { defineAdapter } from "./adapt/define-adapter.js";
// (end of boundary adapter)

// ── Imports ────────────────────────────────────────────────────────────────────────────────────
// (end of imports)
