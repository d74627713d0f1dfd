import { fromBase64, toBase64 } from "../../crypto/encoding.js";
import type { ProviderOptions, WebhookProvider, WebhookSecrets } from "../provider.js";
import { keysOf, matchSignature, rejected, signWith, windowOf } from "../verify-internals.js";
import { WebhookEvent } from "../webhook-event.js";

/** Options for `shopify()`. Shopify signs no timestamp: replay protection is the only window (24 h default). */
export interface ShopifyOptions extends Omit<ProviderOptions, "toleranceSeconds"> {
  /** The app's client secret (API secret key); a list while rotating it. */
  secret: WebhookSecrets;
}

const HEADER = "X-Shopify-Hmac-Sha256";

/**
 * Shopify: `X-Shopify-Hmac-Sha256: <base64>`, HMAC-SHA256 over the body with the client secret as text.
 * The delivery id is `X-Shopify-Webhook-Id` (falling back to `X-Shopify-Event-Id`).
 *
 * @example
 * const provider = shopify({ secret: process.env.SHOPIFY_API_SECRET! });
 * const verdict = await verifyWebhook(provider, { body, headers });
 */
export function shopify(options: ShopifyOptions): WebhookProvider {
  const name = "shopify";
  const keys = keysOf(name, options.secret, "SHA-256");
  const { ttl } = windowOf(options, false);
  return {
    name,
    toleranceSeconds: undefined,
    replayTtlMs: ttl,
    async verify(request) {
      const header = request.header("x-shopify-hmac-sha256");
      if (header === undefined) return rejected(name, "missing_header", `The ${HEADER} header is missing.`);
      const bytes = fromBase64(header, 32);
      if (bytes === undefined)
        return rejected(name, "malformed_header", `The ${HEADER} header is not base64 of 32 bytes.`);
      const pending = matchSignature(keys, [request.body], [bytes]);
      const match = typeof pending === "number" ? pending : await pending;
      if (match < 0)
        return rejected(name, "no_matching_signature", "The signature does not match the body and secret.");
      const id = request.header("x-shopify-webhook-id") || request.header("x-shopify-event-id") || undefined;
      return {
        ok: true,
        value: new WebhookEvent({
          provider: name,
          raw: request.body,
          id,
          timestamp: undefined,
          signature: header,
        }),
      };
    },
    async sign({ body, id }) {
      const signature = await signWith(keys, [body]);
      return { "x-shopify-hmac-sha256": toBase64(signature), "x-shopify-webhook-id": id };
    },
  };
}
