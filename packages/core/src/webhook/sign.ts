import { randomBytes } from "#crypto";
import { type Clock, systemClock } from "../clock.js";
import { toHex } from "../crypto/encoding.js";
import type { WebhookProvider } from "./provider.js";
import { rawBody, type WebhookBody } from "./verify.js";

/** What `signWebhook` needs. */
export interface SignWebhookInput {
  body: WebhookBody;
  /** The signed timestamp in seconds. Default: the clock's now. */
  timestamp?: number;
  /** The delivery id for providers that send one. Default: a random `msg_…` id. */
  id?: string;
  /** The public URL the delivery goes to (Twilio signs it). */
  url?: string;
  clock?: Clock;
}

/**
 * Produces the headers a provider would send for `body`, signed with the provider's first secret: for
 * tests, and for sending your own webhooks (Standard Webhooks, generic HMAC).
 *
 * @example
 * const provider = standardWebhooks({ secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" });
 * const headers = await signWebhook(provider, { body: JSON.stringify(event) });
 * await fetch(endpoint, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body });
 */
export function signWebhook(
  provider: WebhookProvider,
  input: SignWebhookInput,
): Promise<Record<string, string>> {
  const timestamp = input.timestamp ?? Math.floor((input.clock ?? systemClock).now() / 1000);
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    return Promise.reject(
      new RangeError("signWebhook: timestamp must be a non-negative integer of seconds."),
    );
  }
  return provider.sign({
    body: rawBody(input.body),
    timestamp,
    id: input.id ?? `msg_${toHex(randomBytes(12))}`,
    url: input.url,
  });
}
