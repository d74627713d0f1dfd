import { fromBase64, toBase64 } from "../../crypto/encoding.js";
import type { ProviderOptions, WebhookProvider, WebhookSecrets } from "../provider.js";
import { checkTimestamp, keysOf, matchSignature, rejected, signWith, windowOf } from "../verify-internals.js";
import { WebhookEvent } from "../webhook-event.js";

/** Options for `standardWebhooks()`. */
export interface StandardWebhooksOptions extends ProviderOptions {
  /** `whsec_<base64>` (the prefix is optional), or the raw key bytes; a list during a rotation. */
  secret: WebhookSecrets;
  /** The name reported in events and replay keys. Default `"standard-webhooks"`. */
  name?: string;
}

const WEBHOOK = { id: "webhook-id", timestamp: "webhook-timestamp", signature: "webhook-signature" } as const;
const SVIX = { id: "svix-id", timestamp: "svix-timestamp", signature: "svix-signature" } as const;

function decodeSecret(secret: string): Uint8Array {
  const key = fromBase64(secret.startsWith("whsec_") ? secret.slice(6) : secret);
  if (key === undefined)
    throw new TypeError("standardWebhooks: the secret is not whsec_ followed by base64.");
  return key;
}

/**
 * Standard Webhooks (also Svix, whose `svix-*` headers are accepted): `webhook-id`, `webhook-timestamp`
 * and `webhook-signature` (`v1,<base64>` entries, space-separated, any of which may match), HMAC-SHA256
 * over `id.timestamp.body` with the base64-decoded `whsec_` secret.
 *
 * @example
 * const provider = standardWebhooks({ secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" });
 * const verdict = await verifyWebhook(provider, { body, headers });
 */
export function standardWebhooks(options: StandardWebhooksOptions): WebhookProvider {
  const name = options.name ?? "standard-webhooks";
  const keys = keysOf(name, options.secret, "SHA-256", decodeSecret);
  const { tolerance, ttl } = windowOf(options, true);
  const toleranceSeconds = tolerance as number;
  return {
    name,
    toleranceSeconds,
    replayTtlMs: ttl,
    async verify(request) {
      // Header names are constants: no string is built per delivery on the hot path.
      let names: { readonly id: string; readonly timestamp: string; readonly signature: string } = WEBHOOK;
      let signatures = request.header(WEBHOOK.signature);
      if (signatures === undefined) {
        signatures = request.header(SVIX.signature);
        if (signatures !== undefined) names = SVIX;
      }
      const id = request.header(names.id);
      const timestamp = request.header(names.timestamp);
      if (signatures === undefined)
        return rejected(name, "missing_header", "The webhook-signature header is missing.");
      if (id === undefined || id === "")
        return rejected(name, "missing_header", `The ${names.id} header is missing.`);
      if (timestamp === undefined)
        return rejected(name, "missing_header", `The ${names.timestamp} header is missing.`);
      const seconds = checkTimestamp(name, names.timestamp, timestamp, request.now, toleranceSeconds);
      if (typeof seconds !== "number") return seconds;
      const candidates: Uint8Array[] = [];
      const encoded: string[] = [];
      // Space-separated `scheme,signature` entries, scanned in place.
      for (let start = 0; start < signatures.length; ) {
        let end = signatures.indexOf(" ", start);
        if (end < 0) end = signatures.length;
        if (end === start) {
          start++;
          continue;
        }
        const comma = signatures.indexOf(",", start);
        if (comma <= start || comma >= end)
          return rejected(name, "malformed_header", `The ${names.signature} header is malformed.`);
        const isV1 = comma - start === 2 && signatures.startsWith("v1", start);
        if (isV1) {
          // Other schemes (v1a: asymmetric) are not ours to check.
          const value = signatures.slice(comma + 1, end);
          const bytes = fromBase64(value, 32);
          if (bytes === undefined) {
            return rejected(
              name,
              "malformed_header",
              `A v1 signature in ${names.signature} is not base64 of 32 bytes.`,
            );
          }
          candidates.push(bytes);
          encoded.push(value);
        }
        start = end + 1;
      }
      if (candidates.length === 0) {
        return rejected(
          name,
          "no_matching_signature",
          `The ${names.signature} header holds no v1 signature.`,
        );
      }
      const pending = matchSignature(keys, [`${id}.${timestamp}.`, request.body], candidates);
      const match = typeof pending === "number" ? pending : await pending;
      if (match < 0)
        return rejected(name, "no_matching_signature", "No signature matches the body and secret.");
      return {
        ok: true,
        value: new WebhookEvent({
          provider: name,
          raw: request.body,
          id,
          timestamp: seconds,
          signature: encoded[match] as string,
        }),
      };
    },
    async sign({ body, timestamp, id }) {
      const signature = await signWith(keys, [`${id}.${timestamp}.`, body]);
      return {
        "webhook-id": id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": `v1,${toBase64(signature)}`,
      };
    },
  };
}
