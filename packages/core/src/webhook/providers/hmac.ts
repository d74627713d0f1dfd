import { fromBase64, fromHex, toBase64, toHex } from "../../crypto/encoding.js";
import type { Chunk, HashAlgorithm } from "../../crypto/types.js";
import { DIGEST_SIZE } from "../../crypto/types.js";
import type { ProviderOptions, WebhookProvider, WebhookSecrets } from "../provider.js";
import { checkTimestamp, keysOf, matchSignature, rejected, signWith, windowOf } from "../verify-internals.js";
import { WebhookEvent } from "../webhook-event.js";

/** What the generic `signedContent` function receives. */
export interface SignedContentInput {
  /** The raw body as received. */
  body: string | Uint8Array;
  /** The timestamp header's value as received, when `timestampHeader` is set. */
  timestamp: string | undefined;
  /** The id header's value, when `idHeader` is set. */
  id: string | undefined;
}

/** Options for the generic `hmac()` provider. */
export interface HmacOptions extends ProviderOptions {
  /** The secret(s): text used as UTF-8 (or decoded by `secretEncoding`), or raw bytes. */
  secret: WebhookSecrets;
  /** The header holding the signature. */
  header: string;
  /** Default `"SHA-256"`. */
  algorithm?: HashAlgorithm;
  /** How the signature is written. Default `"hex"`. */
  encoding?: "hex" | "base64";
  /** A prefix before the encoded signature, e.g. `"sha256="`. Default none. */
  prefix?: string;
  /** How text secrets are turned into key bytes. Default `"utf8"`. */
  secretEncoding?: "utf8" | "hex" | "base64";
  /** A header holding a signed timestamp in seconds, checked against the clock both ways. */
  timestampHeader?: string;
  /** A header holding the delivery id (used for replay protection). */
  idHeader?: string;
  /**
   * What is signed, as a list of parts hashed in order. Default: the body, or `timestamp.body` when
   * `timestampHeader` is set.
   */
  signedContent?: (input: SignedContentInput) => readonly Chunk[];
  /** The name reported in events and replay keys. Default `"hmac"`. */
  name?: string;
}

/**
 * A generic HMAC provider for any sender that signs the body (and optionally a timestamp) with a shared
 * secret.
 *
 * @example
 * const provider = hmac({
 *   name: "acme", secret: process.env.ACME_SECRET!, header: "X-Acme-Signature", prefix: "sha256=",
 *   timestampHeader: "X-Acme-Timestamp", idHeader: "X-Acme-Delivery",
 *   signedContent: ({ timestamp, body }) => [`${timestamp}.`, body],
 * });
 */
export function hmac(options: HmacOptions): WebhookProvider {
  const name = options.name ?? "hmac";
  const algorithm = options.algorithm ?? "SHA-256";
  if (!(algorithm in DIGEST_SIZE)) throw new TypeError(`hmac: unsupported algorithm ${String(algorithm)}.`);
  const size = DIGEST_SIZE[algorithm];
  const encoding = options.encoding ?? "hex";
  const prefix = options.prefix ?? "";
  const header = options.header;
  if (typeof header !== "string" || header === "") throw new TypeError("hmac: `header` is required.");
  const decode =
    options.secretEncoding === "hex"
      ? (s: string) => fromHex(s) ?? new Uint8Array(0)
      : options.secretEncoding === "base64"
        ? (s: string) => fromBase64(s) ?? new Uint8Array(0)
        : undefined;
  const keys = keysOf(name, options.secret, algorithm, decode);
  const timestampHeader = options.timestampHeader;
  const idHeader = options.idHeader;
  const { tolerance, ttl } = windowOf(options, timestampHeader !== undefined);
  const content =
    options.signedContent ??
    (timestampHeader === undefined
      ? ({ body }: SignedContentInput) => [body]
      : ({ body, timestamp }: SignedContentInput) => [`${timestamp}.`, body]);
  const decodeSignature =
    encoding === "hex" ? (s: string) => fromHex(s, size) : (s: string) => fromBase64(s, size);
  const encodeSignature = encoding === "hex" ? toHex : toBase64;

  return {
    name,
    toleranceSeconds: tolerance,
    replayTtlMs: ttl,
    async verify(request) {
      const value = request.header(header);
      if (value === undefined) return rejected(name, "missing_header", `The ${header} header is missing.`);
      const encoded = value.startsWith(prefix) ? value.slice(prefix.length) : undefined;
      const bytes = encoded === undefined ? undefined : decodeSignature(encoded);
      if (bytes === undefined) {
        return rejected(
          name,
          "malformed_header",
          `The ${header} header is not ${prefix}${encoding} of ${size} bytes.`,
        );
      }
      let timestamp: string | undefined;
      let seconds: number | undefined;
      if (timestampHeader !== undefined) {
        timestamp = request.header(timestampHeader);
        if (timestamp === undefined)
          return rejected(name, "missing_header", `The ${timestampHeader} header is missing.`);
        const checked = checkTimestamp(name, timestampHeader, timestamp, request.now, tolerance as number);
        if (typeof checked !== "number") return checked;
        seconds = checked;
      }
      const id = idHeader === undefined ? undefined : request.header(idHeader) || undefined;
      const parts = content({ body: request.body, timestamp, id });
      const pending = matchSignature(keys, parts, [bytes]);
      const match = typeof pending === "number" ? pending : await pending;
      if (match < 0)
        return rejected(name, "no_matching_signature", "The signature does not match the body and secret.");
      return {
        ok: true,
        value: new WebhookEvent({
          provider: name,
          raw: request.body,
          id,
          timestamp: seconds,
          signature: encoded as string,
        }),
      };
    },
    async sign({ body, timestamp, id }) {
      const ts = timestampHeader === undefined ? undefined : String(timestamp);
      const signature = await signWith(
        keys,
        content({ body, timestamp: ts, id: idHeader === undefined ? undefined : id }),
      );
      const headers: Record<string, string> = { [header.toLowerCase()]: prefix + encodeSignature(signature) };
      if (timestampHeader !== undefined) headers[timestampHeader.toLowerCase()] = ts as string;
      if (idHeader !== undefined) headers[idHeader.toLowerCase()] = id;
      return headers;
    },
  };
}
