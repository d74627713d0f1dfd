import { fromHex, toHex } from "../../crypto/encoding.js";
import type { ProviderOptions, WebhookProvider, WebhookSecrets } from "../provider.js";
import { keysOf, matchSignature, rejected, signWith, windowOf } from "../verify-internals.js";
import { WebhookEvent } from "../webhook-event.js";

/** Options for `github()`. GitHub signs no timestamp: replay protection is the only window (24 h default). */
export interface GitHubOptions extends Omit<ProviderOptions, "toleranceSeconds"> {
  /** The webhook secret; a list while changing it (GitHub sends one signature, any secret may match). */
  secret: WebhookSecrets;
}

const HEADER = "X-Hub-Signature-256";

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 over the body with the secret as text. The
 * delivery id is `X-GitHub-Delivery`. The legacy SHA-1 `X-Hub-Signature` is not accepted.
 *
 * @example
 * const provider = github({ secret: [process.env.GH_SECRET!, process.env.GH_SECRET_PREVIOUS!] });
 * const verdict = await verifyWebhook(provider, { body, headers });
 */
export function github(options: GitHubOptions): WebhookProvider {
  const name = "github";
  const keys = keysOf(name, options.secret, "SHA-256");
  const { ttl } = windowOf(options, false);
  return {
    name,
    toleranceSeconds: undefined,
    replayTtlMs: ttl,
    async verify(request) {
      const header = request.header("x-hub-signature-256");
      if (header === undefined) return rejected(name, "missing_header", `The ${HEADER} header is missing.`);
      const value = header.startsWith("sha256=") ? header.slice(7) : undefined;
      const bytes = value === undefined ? undefined : fromHex(value, 32);
      if (bytes === undefined)
        return rejected(name, "malformed_header", `The ${HEADER} header is not sha256= and 64 hex digits.`);
      const pending = matchSignature(keys, [request.body], [bytes]);
      const match = typeof pending === "number" ? pending : await pending;
      if (match < 0)
        return rejected(name, "no_matching_signature", "The signature does not match the body and secret.");
      const id = request.header("x-github-delivery");
      return {
        ok: true,
        value: new WebhookEvent({
          provider: name,
          raw: request.body,
          id: id === "" ? undefined : id,
          timestamp: undefined,
          signature: value as string,
        }),
      };
    },
    async sign({ body, id }) {
      const signature = await signWith(keys, [body]);
      return { "x-hub-signature-256": `sha256=${toHex(signature)}`, "x-github-delivery": id };
    },
  };
}
