import { fromHex, toHex } from "../../crypto/encoding.js";
import type { ProviderOptions, WebhookProvider, WebhookSecrets } from "../provider.js";
import { checkTimestamp, keysOf, matchSignature, rejected, signWith, windowOf } from "../verify-internals.js";
import { WebhookEvent } from "../webhook-event.js";

/** Options for `slack()`. */
export interface SlackOptions extends ProviderOptions {
  /** The app's signing secret; a list while regenerating it. */
  secret: WebhookSecrets;
}

const SIGNATURE = "X-Slack-Signature";
const TIMESTAMP = "X-Slack-Request-Timestamp";

/**
 * Slack: `X-Slack-Signature: v0=<hex>` over `v0:<X-Slack-Request-Timestamp>:<body>` with HMAC-SHA256 and
 * the signing secret as text. The Events API's `event_id` is the delivery id (Slack's retries keep it); slash
 * commands have none, so replay protection keys on the signature.
 *
 * @example
 * const provider = slack({ secret: process.env.SLACK_SIGNING_SECRET! });
 * const verdict = await verifyWebhook(provider, { body, headers });
 * const form = verdict.ok ? verdict.value.form() : undefined; // slash commands are form-encoded
 */
export function slack(options: SlackOptions): WebhookProvider {
  const name = "slack";
  const keys = keysOf(name, options.secret, "SHA-256");
  const { tolerance, ttl } = windowOf(options, true);
  const toleranceSeconds = tolerance as number;
  return {
    name,
    toleranceSeconds,
    replayTtlMs: ttl,
    async verify(request) {
      const header = request.header("x-slack-signature");
      const timestamp = request.header("x-slack-request-timestamp");
      if (header === undefined)
        return rejected(name, "missing_header", `The ${SIGNATURE} header is missing.`);
      if (timestamp === undefined)
        return rejected(name, "missing_header", `The ${TIMESTAMP} header is missing.`);
      const value = header.startsWith("v0=") ? header.slice(3) : undefined;
      const bytes = value === undefined ? undefined : fromHex(value, 32);
      if (bytes === undefined)
        return rejected(name, "malformed_header", `The ${SIGNATURE} header is not v0= and 64 hex digits.`);
      const seconds = checkTimestamp(name, TIMESTAMP, timestamp, request.now, toleranceSeconds);
      if (typeof seconds !== "number") return seconds;
      const pending = matchSignature(keys, [`v0:${timestamp}:`, request.body], [bytes]);
      const match = typeof pending === "number" ? pending : await pending;
      if (match < 0)
        return rejected(name, "no_matching_signature", "The signature does not match the body and secret.");
      const event: WebhookEvent = new WebhookEvent({
        provider: name,
        raw: request.body,
        // Events API deliveries carry `event_id` (the same on Slack's retries); slash commands have none.
        id: () => {
          if (!event.text.startsWith("{")) return undefined;
          const id = (event.payload as { event_id?: unknown } | null)?.event_id;
          return typeof id === "string" ? id : undefined;
        },
        timestamp: seconds,
        signature: value as string,
      });
      return { ok: true, value: event };
    },
    async sign({ body, timestamp }) {
      const signature = await signWith(keys, [`v0:${timestamp}:`, body]);
      return {
        "x-slack-signature": `v0=${toHex(signature)}`,
        "x-slack-request-timestamp": String(timestamp),
      };
    },
  };
}
