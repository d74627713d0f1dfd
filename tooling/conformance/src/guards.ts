// The guards the conformance suite runs: the real rateLimit(), apiKey(), webhook() and json() from
// @goggles/core, configured so a test can provoke each refusal.
import {
  apiKey,
  type Guard,
  json,
  MemoryReplayStore,
  pass,
  type Replied,
  rateLimit,
  reply,
  signWebhook,
  standardWebhooks,
  webhook,
} from "@goggles/core";
import { z } from "zod";

/** A well-formed key made once with `apiKeys.generate({ prefix: "conf" })`; only its hash is "stored". */
export const API_KEY = "conf_TC0bRLuqSxbA_AZRDx2EpwDjsJe94JplaDu4D5n3VseDs05JtCX";
const API_KEY_ID = "TC0bRLuqSxbA";
const API_KEY_HASH = "41e31f56e203ae52dc825abb3d0626afd16c7aa3da42079ac0542941606711ca";
export const WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
export const BODY_LIMIT = 16 * 1024;

/** The real `rateLimit()`: two requests per `x-client` header (else per IP), then 429 with `Retry-After`. */
export function testRateLimit(capacity = 2) {
  return rateLimit({
    name: "limit",
    limits: { default: { capacity, refillPerSecond: capacity / 3600 } },
    key: ({ request, context }) => request.headers.get("x-client") ?? context.ip ?? "unknown",
  });
}

/** The real `apiKey()` guard: `x-api-key` (or `Authorization: Bearer`) must be the conformance key. */
export function testApiKey() {
  return apiKey({
    name: "key",
    lookup: (id) => (id === API_KEY_ID ? { hash: API_KEY_HASH, principal: "conformance" } : undefined),
  });
}

export const Order = z.object({ sku: z.string(), qty: z.number().int().positive() });
export type Order = z.infer<typeof Order>;

/** The real `json()` guard: a JSON body (≤ 16 KiB) matching `{ sku: string, qty: positive integer }`. */
export function testJson() {
  return json({ name: "body", schema: Order, maxBytes: BODY_LIMIT });
}

const provider = standardWebhooks({ secret: WEBHOOK_SECRET });

/** Signs a delivery the way `testWebhook` verifies it (Standard Webhooks headers). */
export async function signTestDelivery(id: string, payload: string): Promise<Record<string, string>> {
  return { "content-type": "application/json", ...(await signWebhook(provider, { body: payload, id })) };
}

/** The real `webhook()` guard: Standard Webhooks over the raw body; a processed delivery is acknowledged (200). */
export function testWebhook() {
  return webhook(provider, { name: "hook", replay: new MemoryReplayStore(), maxBodyBytes: BODY_LIMIT });
}

/**
 * A guard that answers early, not as an error, when `x-early` asks it to: `empty` → 200 without a body,
 * `see-other` → 303 with a `Location`, `json` → 202 with a JSON body. Otherwise it passes, adding a header.
 */
export function earlyGuard(): Guard<"early", true, object, Replied> {
  return {
    name: "early",
    check: ({ request }) => {
      switch (request.headers.get("x-early")) {
        case "empty":
          return reply(200, { headers: { "x-early": "empty" } });
        case "see-other":
          return reply(303, { headers: { location: "/elsewhere" } });
        case "json":
          return reply(202, { body: { queued: true }, headers: { "x-early": "json" } });
        default:
          return pass(true as const, { "x-early": "passed" });
      }
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
