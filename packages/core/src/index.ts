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
// (end of validation and safe parsing)

// ── Sanitizing ─────────────────────────────────────────────────────────────────────────────────
// (end of sanitizing)

// ── Boundary adapter ───────────────────────────────────────────────────────────────────────────
// (end of boundary adapter)

// ── Imports ────────────────────────────────────────────────────────────────────────────────────
// (end of imports)
