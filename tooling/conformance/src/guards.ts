// The guards the conformance suite runs. json() is the real guard; the rate limit, API key and webhook
// are stand-ins with the behaviour the real ones promise, swapped for them once they land in core.
import { fail, type Guard, json, type Problem, pass, tooManyRequests, unauthorized } from "@goggles/core";
import { z } from "zod";

export const API_KEY = "key_live_conformance";
export const WEBHOOK_SECRET = "whsec_conformance";
export const BODY_LIMIT = 16 * 1024;

/** Two requests per `x-client` header, then 429 with `Retry-After` and `RateLimit`. */
export function testRateLimit(capacity = 2): Guard<"limit", { remaining: number }> {
  const used = new Map<string, number>();
  return {
    name: "limit",
    check: ({ request, context }) => {
      const key = request.headers.get("x-client") ?? String((context as { ip?: string }).ip);
      const n = (used.get(key) ?? 0) + 1;
      used.set(key, n);
      const remaining = Math.max(0, capacity - n);
      const header = `"default";r=${remaining};t=60`;
      if (n > capacity) {
        return fail(
          tooManyRequests({
            detail: "Too many requests.",
            headers: {
              "retry-after": "60",
              ratelimit: header,
              "ratelimit-policy": `"default";q=${capacity}`,
            },
          }),
        );
      }
      return pass({ remaining }, { ratelimit: header, "ratelimit-policy": `"default";q=${capacity}` });
    },
  };
}

/** `x-api-key` must be the conformance key. */
export function testApiKey(): Guard<"key", { id: string }> {
  return {
    name: "key",
    check: ({ request }) =>
      request.headers.get("x-api-key") === API_KEY
        ? pass({ id: "key_1" })
        : fail(
            unauthorized({
              detail: "Missing or invalid API key.",
              headers: { "www-authenticate": "ApiKey" },
            }),
          ),
  };
}

export const Order = z.object({ sku: z.string(), qty: z.number().int().positive() });
export type Order = z.infer<typeof Order>;

/** The real `json()` guard: a JSON body (≤ 16 KiB) matching `{ sku: string, qty: positive integer }`. */
export function testJson() {
  return json({ name: "body", schema: Order, maxBytes: BODY_LIMIT });
}

async function hmacHex(secret: string, body: Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, body as Uint8Array<ArrayBuffer>));
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Signs a delivery the way `testWebhook` verifies it. */
export async function signTestDelivery(id: string, payload: string): Promise<Record<string, string>> {
  return {
    "content-type": "application/json",
    "x-delivery": id,
    "x-signature": await hmacHex(WEBHOOK_SECRET, new TextEncoder().encode(payload)),
  };
}

/** HMAC-SHA256 over the raw body; a delivery id seen before is acknowledged (200) without the handler. */
export function testWebhook(): Guard<"hook", { id: string; payload: unknown }> {
  const seen = new Set<string>();
  return {
    name: "hook",
    check: async ({ request }) => {
      const signature = request.headers.get("x-signature");
      const id = request.headers.get("x-delivery");
      if (signature === null || id === null) return fail(unauthorized({ detail: "Missing signature." }));
      const bytes = await request.body({ maxBytes: BODY_LIMIT });
      if ((await hmacHex(WEBHOOK_SECRET, bytes)) !== signature) {
        return fail(unauthorized({ detail: "The signature does not match." }));
      }
      if (seen.has(id)) {
        const acknowledged: Problem = {
          type: "https://goggles.dev/problems/webhook-replayed",
          title: "Already processed",
          status: 200,
        };
        return fail(acknowledged);
      }
      seen.add(id);
      return pass({ id, payload: JSON.parse(new TextDecoder().decode(bytes)) as unknown });
    },
  };
}

/** A guard with a bug: it throws a plain error carrying a secret. */
export function throwingGuard(): Guard<"broken", never> {
  return {
    name: "broken",
    check: () => {
      throw new Error("db password is hunter2");
    },
  };
}
