import { type Clock, systemClock } from "../clock.js";
import type { HeaderReader } from "../http/boundary-request.js";
import type { WebhookProvider, WebhookRequest, WebhookVerdict } from "./provider.js";

/** The raw body: the exact bytes received, or the exact string (never a re-serialized parsed object). */
export type WebhookBody = string | Uint8Array | ArrayBuffer;

/** Request headers: a `Headers`-like reader, or a plain record such as Node's `req.headers`. */
export type WebhookHeaders = HeaderReader | Readonly<Record<string, string | readonly string[] | undefined>>;

/** What `verifyWebhook` needs. */
export interface VerifyWebhookInput {
  /** The raw body as received. Verify before parsing: a parsed-then-serialized body will not match. */
  body: WebhookBody;
  headers: WebhookHeaders;
  /** The public URL the provider called (Twilio signs it); proxies rewrite the one the server sees. */
  url?: string;
  /** The clock timestamps are checked against. Default `systemClock`. */
  clock?: Clock;
}

/** Normalizes the raw body. A non-body (a parsed object) is a programming error, reported as such. */
export function rawBody(body: WebhookBody): string | Uint8Array {
  if (typeof body === "string" || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError(
    "verifyWebhook: body must be the raw body (a string, Uint8Array or ArrayBuffer), not a parsed object; " +
      "capture it before any JSON parser runs.",
  );
}

/** A case-insensitive header lookup over either shape; repeated values are joined with ", ". */
export function headerLookup(headers: WebhookHeaders): (name: string) => string | undefined {
  if (typeof (headers as HeaderReader).get === "function") {
    const reader = headers as HeaderReader;
    return (name) => reader.get(name) ?? undefined;
  }
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  return (name) => {
    let value = record[name];
    if (value === undefined) {
      const lower = name.toLowerCase();
      value = record[lower];
      if (value === undefined) {
        for (const key in record) {
          if (key.toLowerCase() === lower) {
            value = record[key];
            break;
          }
        }
      }
    }
    if (value === undefined) return undefined;
    return typeof value === "string" ? value : value.join(", ");
  };
}

/**
 * Verifies a webhook delivery: the signature against every configured secret (constant-time, strictly
 * decoded), and the signed timestamp against the clock in both directions. Never throws for bad input:
 * a refusal is a failed verdict with a typed `reason` and a 400/401 problem that echoes no secret and no
 * signature.
 *
 * @example
 * const provider = stripe({ secret: [process.env.STRIPE_WHSEC_NEW!, process.env.STRIPE_WHSEC_OLD!] });
 * const verdict = await verifyWebhook(provider, { body: await request.text(), headers: request.headers });
 * if (!verdict.ok) return problemResponse(verdict.problem); // verdict.reason: "timestamp_out_of_range", …
 * handle(verdict.value.payload);
 */
export function verifyWebhook<T = unknown>(
  provider: WebhookProvider,
  input: VerifyWebhookInput,
): Promise<WebhookVerdict<T>> {
  const request: WebhookRequest = {
    body: rawBody(input.body),
    header: headerLookup(input.headers),
    url: input.url,
    now: (input.clock ?? systemClock).now(),
  };
  return provider.verify(request) as Promise<WebhookVerdict<T>>;
}
