import { fromHex, toHex } from "../../crypto/encoding.js";
import type { ProviderOptions, WebhookProvider, WebhookSecrets } from "../provider.js";
import { checkTimestamp, keysOf, matchSignature, rejected, signWith, windowOf } from "../verify-internals.js";
import { WebhookEvent } from "../webhook-event.js";

/** Options for `stripe()`. */
export interface StripeOptions extends ProviderOptions {
  /** The endpoint's signing secret (`whsec_…`, used as is); a list while rolling it. */
  secret: WebhookSecrets;
}

const HEADER = "Stripe-Signature";

/**
 * Stripe: `Stripe-Signature: t=<seconds>,v1=<hex>[,v1=<hex>…]` (several `v1` while a secret is rolled),
 * HMAC-SHA256 over `t.body` with the `whsec_…` secret as text. Unlike `constructEvent`, the timestamp is
 * checked in both directions: a header dated in the future is refused too. The event id (`evt_…`) is read
 * from the verified payload, for replay protection.
 *
 * @example
 * const provider = stripe({ secret: process.env.STRIPE_WEBHOOK_SECRET! });
 * const verdict = await verifyWebhook(provider, { body: rawBody, headers: req.headers });
 */
export function stripe(options: StripeOptions): WebhookProvider {
  const name = "stripe";
  const keys = keysOf(name, options.secret, "SHA-256");
  const { tolerance, ttl } = windowOf(options, true);
  const toleranceSeconds = tolerance as number;
  return {
    name,
    toleranceSeconds,
    replayTtlMs: ttl,
    async verify(request) {
      const header = request.header("stripe-signature");
      if (header === undefined) return rejected(name, "missing_header", `The ${HEADER} header is missing.`);
      let timestamp: string | undefined;
      const candidates: Uint8Array[] = [];
      const encoded: string[] = [];
      // Scanned in place (no split): this runs on every delivery and the budget is a few hundred ns.
      for (let start = 0; start <= header.length; ) {
        let end = header.indexOf(",", start);
        if (end < 0) end = header.length;
        const eq = header.indexOf("=", start);
        if (eq <= start || eq >= end)
          return rejected(name, "malformed_header", `The ${HEADER} header is malformed.`);
        const key = header.slice(start, eq);
        const value = header.slice(eq + 1, end);
        start = end + 1;
        if (key === "t") {
          if (timestamp !== undefined) {
            return rejected(name, "malformed_header", `The ${HEADER} header has two timestamps.`);
          }
          timestamp = value;
        } else if (key === "v1") {
          const bytes = fromHex(value, 32);
          if (bytes === undefined) {
            return rejected(name, "malformed_header", `A v1 signature in ${HEADER} is not 64 hex digits.`);
          }
          candidates.push(bytes);
          encoded.push(value);
        }
      }
      if (timestamp === undefined)
        return rejected(name, "malformed_header", `The ${HEADER} header has no timestamp.`);
      const seconds = checkTimestamp(name, HEADER, timestamp, request.now, toleranceSeconds);
      if (typeof seconds !== "number") return seconds;
      if (candidates.length === 0)
        return rejected(name, "no_matching_signature", `The ${HEADER} header has no v1 signature.`);
      const pending = matchSignature(keys, [`${timestamp}.`, request.body], candidates);
      const match = typeof pending === "number" ? pending : await pending;
      if (match < 0)
        return rejected(name, "no_matching_signature", "No signature matches the body and secret.");
      const event: WebhookEvent = new WebhookEvent({
        provider: name,
        raw: request.body,
        id: () => {
          const id = (event.payload as { id?: unknown } | null)?.id;
          return typeof id === "string" ? id : undefined;
        },
        timestamp: seconds,
        signature: encoded[match] as string,
      });
      return { ok: true, value: event };
    },
    async sign({ body, timestamp }) {
      const signature = await signWith(keys, [`${timestamp}.`, body]);
      return { "stripe-signature": `t=${timestamp},v1=${toHex(signature)}` };
    },
  };
}
