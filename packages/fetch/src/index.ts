// @goggles/fetch: goggles for fetch-style handlers, and a protected outbound fetch. Named re-exports only.

export { isResponseTooLargeError, ResponseTooLargeError } from "./errors/response-too-large-error.js";
export type { ResponseIssue } from "./errors/response-validation-error.js";
export { isResponseValidationError, ResponseValidationError } from "./errors/response-validation-error.js";
// Inbound
export type { ProtectedHandler, WithBoundaryOptions } from "./inbound/with-boundary.js";
export { withBoundary } from "./inbound/with-boundary.js";
// Outbound
export type {
  ProtectedFetch,
  ProtectedFetchOptions,
  ProtectedFetchPolicies,
  ProtectedResponse,
  ProtectedRetryOptions,
  ResponseSchema,
} from "./outbound/protected-fetch.js";
export { protectedFetch } from "./outbound/protected-fetch.js";
