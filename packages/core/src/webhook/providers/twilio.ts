import { digest, timingSafeEqual } from "#crypto";
import { fromBase64, fromHex, toBase64 } from "../../crypto/encoding.js";
import type { ProviderOptions, WebhookProvider, WebhookSecrets } from "../provider.js";
import { keysOf, matchSignature, rejected, signWith, windowOf } from "../verify-internals.js";
import { WebhookEvent } from "../webhook-event.js";

/** Options for `twilio()`. Twilio signs no timestamp: replay protection is the only window (24 h default). */
export interface TwilioOptions extends Omit<ProviderOptions, "toleranceSeconds"> {
  /** The account's auth token (primary, then secondary while promoting one). */
  secret: WebhookSecrets;
}

const HEADER = "X-Twilio-Signature";
const decoder = /* @__PURE__ */ new TextDecoder();

function text(body: string | Uint8Array): string {
  return typeof body === "string" ? body : decoder.decode(body);
}

/** The signed string for a form body: the URL, then each parameter as name + value, sorted by name. */
function formContent(url: string, body: string): string {
  const params = new URLSearchParams(body);
  const byName = new Map<string, string[]>();
  for (const [key, value] of params) {
    const values = byName.get(key);
    if (values === undefined) byName.set(key, [value]);
    else values.push(value);
  }
  let out = url;
  for (const key of [...byName.keys()].sort()) {
    for (const value of (byName.get(key) as string[]).sort()) out += key + value;
  }
  return out;
}

/** The URL as given, and with the scheme's default port added or removed (Twilio signs either form). */
function urlVariants(url: string): string[] {
  const match = /^(https?):\/\/([^/?#]*)(.*)$/i.exec(url);
  if (match === null) return [url];
  const [, scheme, authority, rest] = match as unknown as [string, string, string, string];
  const port = scheme.toLowerCase() === "https" ? ":443" : ":80";
  const other = authority.endsWith(port)
    ? authority.slice(0, -port.length)
    : /:\d+$/.test(authority)
      ? undefined
      : authority + port;
  return other === undefined ? [url] : [url, `${scheme}://${other}${rest}`];
}

function bodyHashParam(url: string): string | undefined | null {
  const q = url.indexOf("?");
  if (q < 0) return undefined;
  const hash = url.indexOf("#", q);
  const values = new URLSearchParams(url.slice(q + 1, hash < 0 ? undefined : hash)).getAll("bodySHA256");
  if (values.length === 0) return undefined;
  return values.length === 1 ? (values[0] as string) : null;
}

function isForm(contentType: string | undefined): boolean {
  return (
    contentType !== undefined &&
    contentType.split(";")[0]?.trim().toLowerCase() === "application/x-www-form-urlencoded"
  );
}

/**
 * Twilio: `X-Twilio-Signature: <base64>`, HMAC-SHA1 with the auth token over the public URL followed by the
 * form parameters sorted by name (`name + value`). JSON bodies are covered by `bodySHA256=<hex>` in the
 * signed URL, checked against the body's SHA-256. The URL must be the one Twilio called: pass `url` (the
 * `webhook()` guard takes a `url` option) because proxies rewrite what the server sees. The
 * `I-Twilio-Idempotency-Token` header is the delivery id.
 *
 * @example
 * const provider = twilio({ secret: process.env.TWILIO_AUTH_TOKEN! });
 * const verdict = await verifyWebhook(provider, { body, headers, url: "https://example.com/sms?tenant=7" });
 * const params = verdict.ok ? verdict.value.form() : undefined;
 */
export function twilio(options: TwilioOptions): WebhookProvider {
  const name = "twilio";
  const keys = keysOf(name, options.secret, "SHA-1");
  const { ttl } = windowOf(options, false);
  return {
    name,
    toleranceSeconds: undefined,
    replayTtlMs: ttl,
    async verify(request) {
      const header = request.header("x-twilio-signature");
      if (header === undefined) return rejected(name, "missing_header", `The ${HEADER} header is missing.`);
      const signature = fromBase64(header, 20);
      if (signature === undefined)
        return rejected(name, "malformed_header", `The ${HEADER} header is not base64 of 20 bytes.`);
      const url = request.url;
      if (url === undefined || url === "") {
        throw new TypeError("twilio: verifying needs the public URL Twilio called (the `url` input).");
      }
      const bodyHash = bodyHashParam(url);
      if (bodyHash === null)
        return rejected(name, "malformed_body", "The URL carries bodySHA256 more than once.");
      const body = request.body;
      const empty = typeof body === "string" ? body.length === 0 : body.byteLength === 0;
      let form: string | undefined;
      if (bodyHash === undefined && !empty) {
        if (!isForm(request.header("content-type"))) {
          return rejected(
            name,
            "malformed_body",
            "Twilio signs a non-form body only through bodySHA256 in the URL.",
          );
        }
        form = text(body);
      }
      let matched = false;
      for (const variant of urlVariants(url)) {
        const content = form === undefined ? variant : formContent(variant, form);
        if ((await matchSignature(keys, [content], [signature])) >= 0) {
          matched = true;
          break;
        }
      }
      if (!matched)
        return rejected(
          name,
          "no_matching_signature",
          "The signature does not match the URL, body and token.",
        );
      if (bodyHash !== undefined) {
        const expected = fromHex(bodyHash, 32);
        const actual = await digest("SHA-256", body);
        if (expected === undefined || !timingSafeEqual(expected, actual)) {
          return rejected(
            name,
            "body_hash_mismatch",
            "The body does not match the bodySHA256 the URL was signed with.",
          );
        }
      }
      const id = request.header("i-twilio-idempotency-token") || undefined;
      return {
        ok: true,
        value: new WebhookEvent({ provider: name, raw: body, id, timestamp: undefined, signature: header }),
      };
    },
    async sign({ body, url }) {
      if (url === undefined) throw new TypeError("twilio: signing needs the `url` the delivery goes to.");
      const empty = typeof body === "string" ? body.length === 0 : body.byteLength === 0;
      // A URL carrying bodySHA256 is signed alone (JSON bodies); otherwise the body is form parameters.
      const content = empty || bodyHashParam(url) !== undefined ? url : formContent(url, text(body));
      const signature = await signWith(keys, [content]);
      return { "x-twilio-signature": toBase64(signature) };
    },
  };
}
