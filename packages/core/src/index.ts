// @goggles/core: the public API at a glance. Named re-exports only.

export type { Clock } from "./clock.js";
// Time
export { scheduleOn, systemClock } from "./clock.js";
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
export { type EarlyAnswer, earlyAnswer, earlyResponse } from "./http/early-response.js";
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
export type { Failure, Replied, Reply, Success, Verdict } from "./verdict.js";
// Verdicts and problems
export { fail, pass, reply } from "./verdict.js";

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
export {
  CostExceedsCapacityError,
  isCostExceedsCapacityError,
} from "./errors/cost-exceeds-capacity-error.js";
export { isLimiterInputError, LimiterInputError } from "./errors/limiter-input-error.js";
export { keyFingerprint } from "./limit/fingerprint.js";
export type { RateLimitHeaderOptions } from "./limit/headers.js";
export {
  rateLimitHeader,
  rateLimitHeaders,
  rateLimitPolicyHeader,
  retryAfterSeconds,
} from "./limit/headers.js";
export type {
  Limiter,
  LimiterOptions,
  LimitOptions,
  LimitPolicy,
  LimitResult,
  MultiLimiterOptions,
  MultiLimitResult,
  PolicyResult,
  SingleLimiterOptions,
} from "./limit/limiter.js";
export { createLimiter, MAX_KEY_LENGTH } from "./limit/limiter.js";
export type { LimiterStore, StoreDecision } from "./limit/limiter-store.js";
export type { MemoryStoreOptions } from "./limit/memory-store.js";
export { DEFAULT_MAX_KEYS, MemoryStore } from "./limit/memory-store.js";
export { policyResults } from "./limit/policy-results.js";
export type {
  RateLimitOptions,
  RateLimitWithLimiter,
  RateLimitWithLimits,
} from "./limit/rate-limit.js";
export { rateLimit } from "./limit/rate-limit.js";
export type { BucketDecision, BucketLimit, BucketReport, BucketState } from "./limit/token-bucket.js";
export {
  decideBuckets,
  fullAt,
  refundBuckets,
  reportBucket,
  TOKEN_EPSILON,
} from "./limit/token-bucket.js";
// (end of rate limiting)

// ── Circuit breaker and outbound policies ──────────────────────────────────────────────────────
export type {
  CircuitBreaker,
  CircuitBreakerOptions,
  CircuitBreakerSnapshot,
} from "./breaker/circuit-breaker.js";
export { circuitBreaker } from "./breaker/circuit-breaker.js";
export type {
  BreakerAdmission,
  BreakerMachine,
  BreakerMachineConfig,
  BreakerMachineEvent,
  BreakerMachineState,
  CircuitState,
} from "./breaker/machine.js";
export { breakerMachine } from "./breaker/machine.js";
export type { BreakerAcquisition, BreakerPermit } from "./breaker/permit.js";
export type { CircuitBreakers, CircuitBreakersOptions } from "./breaker/registry.js";
export { circuitBreakers } from "./breaker/registry.js";
export type {
  BreakerStateStore,
  MemoryBreakerStateStoreOptions,
  ProbeLease,
  SharedBreakerState,
} from "./breaker/state-store.js";
export { memoryBreakerStateStore } from "./breaker/state-store.js";
export type {
  BreakerStrategy,
  ConsecutiveOptions,
  CountWindowOptions,
  RateOptions,
  SlowCallsOptions,
  StrategyWindow,
  TimeWindowOptions,
} from "./breaker/strategies.js";
export { anyOf, consecutive, countWindow, slowCalls, timeWindow } from "./breaker/strategies.js";
export type { RejectingState } from "./errors/broken-circuit-error.js";
export { BrokenCircuitError, isBrokenCircuitError } from "./errors/broken-circuit-error.js";
export { BulkheadRejectedError, isBulkheadRejectedError } from "./errors/bulkhead-rejected-error.js";
export {
  isRetryBudgetExhaustedError,
  RetryBudgetExhaustedError,
} from "./errors/retry-budget-exhausted-error.js";
export { isTimeoutError, TimeoutError } from "./errors/timeout-error.js";
export type { Backoff, ExponentialBackoffOptions } from "./policy/backoff.js";
export { constantBackoff, exponentialBackoff } from "./policy/backoff.js";
export type { Bulkhead, BulkheadOptions } from "./policy/bulkhead.js";
export { bulkhead } from "./policy/bulkhead.js";
export type { FallbackOptions } from "./policy/fallback.js";
export { fallback } from "./policy/fallback.js";
export type { ExecuteOptions, Policy, PolicyContext, PolicyFn } from "./policy/policy.js";
export type { RetryOptions } from "./policy/retry.js";
export { retry } from "./policy/retry.js";
export { parseRetryAfter, retryAfterOf } from "./policy/retry-after.js";
export type { RetryBudget, RetryBudgetOptions } from "./policy/retry-budget.js";
export { retryBudget } from "./policy/retry-budget.js";
export type { TimeoutOptions } from "./policy/timeout.js";
export { timeout } from "./policy/timeout.js";
export { wrap } from "./policy/wrap.js";
// (end of circuit breaker and outbound policies)

// ── Webhooks ───────────────────────────────────────────────────────────────────────────────────
export type {
  ProviderOptions,
  WebhookFailure,
  WebhookFailureReason,
  WebhookProvider,
  WebhookSecret,
  WebhookSecrets,
  WebhookVerdict,
} from "./webhook/provider.js";
export type { GitHubOptions } from "./webhook/providers/github.js";
export { github } from "./webhook/providers/github.js";
export type { HmacOptions, SignedContentInput } from "./webhook/providers/hmac.js";
export { hmac } from "./webhook/providers/hmac.js";
export type { ShopifyOptions } from "./webhook/providers/shopify.js";
export { shopify } from "./webhook/providers/shopify.js";
export type { SlackOptions } from "./webhook/providers/slack.js";
export { slack } from "./webhook/providers/slack.js";
export type { StandardWebhooksOptions } from "./webhook/providers/standard-webhooks.js";
export { standardWebhooks } from "./webhook/providers/standard-webhooks.js";
export type { StripeOptions } from "./webhook/providers/stripe.js";
export { stripe } from "./webhook/providers/stripe.js";
export type { TwilioOptions } from "./webhook/providers/twilio.js";
export { twilio } from "./webhook/providers/twilio.js";
export type { MemoryReplayStoreOptions, ReplayClaim, ReplayState, ReplayStore } from "./webhook/replay.js";
export { MemoryReplayStore } from "./webhook/replay.js";
export type { SignWebhookInput } from "./webhook/sign.js";
export { signWebhook } from "./webhook/sign.js";
export type { VerifyWebhookInput, WebhookBody, WebhookHeaders } from "./webhook/verify.js";
export { verifyWebhook } from "./webhook/verify.js";
export type { WebhookOptions } from "./webhook/webhook.js";
export { DEFAULT_REPLAY_LEASE_MS, webhook } from "./webhook/webhook.js";
export type { WebhookEventInit } from "./webhook/webhook-event.js";
export { WebhookEvent } from "./webhook/webhook-event.js";
// (end of webhooks)

// ── API keys ───────────────────────────────────────────────────────────────────────────────────
export type { ApiKeyIdentity, ApiKeyOptions, ApiKeyRecord } from "./auth/api-key.js";
export { apiKey } from "./auth/api-key.js";
export type { GenerateApiKeyOptions, GeneratedApiKey, ParsedApiKey } from "./auth/api-keys.js";
export { apiKeys } from "./auth/api-keys.js";
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
export { escapeAttribute, escapeHtml } from "./sanitize/encode.js";
export type { NormalizeTextOptions } from "./sanitize/normalize-text.js";
export { normalizeText } from "./sanitize/normalize-text.js";
export type { SafeUrlOptions } from "./sanitize/safe-url.js";
export { DEFAULT_URL_SCHEMES, safeUrl } from "./sanitize/safe-url.js";
export type { LooseSanitizeRules, SanitizeRules, StringRule } from "./sanitize/sanitize.js";
export { sanitize } from "./sanitize/sanitize.js";
export type { HtmlAllowList, SanitizeHtmlOptions } from "./sanitize/sanitize-html.js";
export { DEFAULT_HTML_ALLOW, sanitizeHtml } from "./sanitize/sanitize-html.js";
// (end of sanitizing)

// ── Boundary adapter ───────────────────────────────────────────────────────────────────────────
export type { Adapter, AdapterOptions } from "./adapt/define-adapter.js";
export { defineAdapter } from "./adapt/define-adapter.js";
// (end of boundary adapter)

// ── Imports ────────────────────────────────────────────────────────────────────────────────────
export { isFormulaCell, neutralizeFormula } from "./import/formula.js";
export type {
  AcceptedRow,
  FormulaPolicy,
  ImportedRecord,
  ImportFormat,
  ImportLimits,
  ImportOptions,
  ImportOutcome,
  ImportSource,
  ImportSummary,
  RawRow,
  RecordImport,
  RejectedRow,
  RowProblem,
  SchemaValue,
} from "./import/import-records.js";
export { DEFAULT_IMPORT_LIMITS, importRecords } from "./import/import-records.js";
export type { ToCsvOptions } from "./import/to-csv.js";
export { toCsv } from "./import/to-csv.js";
export type { UploadOptions } from "./import/upload.js";
export { upload } from "./import/upload.js";
// (end of imports)
