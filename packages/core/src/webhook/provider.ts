import type { Chunk, HashAlgorithm, HmacKey } from "../crypto/types.js";
import type { Failure, Success } from "../verdict.js";
import type { WebhookEvent } from "./webhook-event.js";

/** A webhook secret: text (used as its UTF-8 bytes, or decoded by the provider's rule) or raw bytes. */
export type WebhookSecret = string | Uint8Array;

/** One secret, or several during a rotation: every one verifies, the first one signs. */
export type WebhookSecrets = WebhookSecret | readonly WebhookSecret[];

/**
 * Why a delivery was refused. `missing_header`, `malformed_header` and `malformed_body` are answered with
 * 400 (401 for a missing signature), the others with 401; `replayed` comes from the `webhook()` guard.
 */
export type WebhookFailureReason =
  | "missing_header"
  | "malformed_header"
  | "malformed_body"
  | "timestamp_out_of_range"
  | "no_matching_signature"
  | "body_hash_mismatch"
  | "replayed";

/** A refused delivery: a problem to send, and the typed reason. */
export interface WebhookFailure extends Failure {
  readonly reason: WebhookFailureReason;
}

/** The answer of `verifyWebhook`. */
export type WebhookVerdict<T = unknown> = Success<WebhookEvent<T>> | WebhookFailure;

/** A delivery as providers see it: the body as received, case-insensitive headers, the public URL. */
export interface WebhookRequest {
  readonly body: string | Uint8Array;
  header(name: string): string | undefined;
  readonly url: string | undefined;
  /** Now, in milliseconds, from the injected clock. */
  readonly now: number;
}

/** What a provider needs to sign a delivery. */
export interface WebhookSignRequest {
  readonly body: string | Uint8Array;
  /** Signed timestamp in seconds (providers that sign one). */
  readonly timestamp: number;
  /** The delivery id (Standard Webhooks, GitHub, Shopify). */
  readonly id: string;
  /** The public URL (Twilio). */
  readonly url: string | undefined;
}

/**
 * A webhook provider: a factory's result holding its secrets (never exposed), the header format and the
 * secret-decoding rule. Pass it to `verifyWebhook`, `signWebhook` or the `webhook()` guard.
 */
export interface WebhookProvider {
  /** The provider's name, used in events and replay keys. */
  readonly name: string;
  /** The accepted clock difference in seconds, or `undefined` when the provider signs no timestamp. */
  readonly toleranceSeconds: number | undefined;
  /** How long a processed delivery id is remembered by replay protection, by default. */
  readonly replayTtlMs: number;
  /** @internal Verifies a normalized delivery. */
  verify(request: WebhookRequest): Promise<WebhookVerdict>;
  /** @internal Produces the headers a sender sets. */
  sign(request: WebhookSignRequest): Promise<Record<string, string>>;
}

/** Options every provider factory takes. */
export interface ProviderOptions {
  /** Accepted difference between the signed timestamp and the clock, in seconds, both ways. Default 300. */
  toleranceSeconds?: number;
  /** How long replay protection remembers a processed delivery. Default: twice the tolerance, or 24 h. */
  replayTtlMs?: number;
}

/** Internal helpers shared by the providers. */
export type { Chunk, HashAlgorithm, HmacKey };
