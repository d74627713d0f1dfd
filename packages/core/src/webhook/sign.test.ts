// Round trips sign → verify for every provider (this file runs on Node and in the edge runtime), and
// properties: arbitrary headers never throw; any single-byte change of body, timestamp or signature fails.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FakeClock } from "../testing/fake-clock.js";
import type { WebhookProvider } from "./provider.js";
import { github } from "./providers/github.js";
import { hmac } from "./providers/hmac.js";
import { shopify } from "./providers/shopify.js";
import { slack } from "./providers/slack.js";
import { standardWebhooks } from "./providers/standard-webhooks.js";
import { stripe } from "./providers/stripe.js";
import { twilio } from "./providers/twilio.js";
import { signWebhook } from "./sign.js";
import { verifyWebhook } from "./verify.js";

const NOW = 1_700_000_000;
const clock = new FakeClock(NOW * 1000);
const url = "https://hooks.example.com/in?tenant=7";

interface Case {
  name: string;
  make: (secret: string | string[]) => WebhookProvider;
  /** Signature-bearing header, and the timestamp header if the provider signs one. */
  signature: string;
  timestamp?: string;
  contentType?: string;
  /** Whether the signature is hex (case-insensitive). */
  hex?: boolean;
}

const cases: Case[] = [
  {
    name: "standardWebhooks",
    make: (secret) => standardWebhooks({ secret: [secret].flat().map((s) => `whsec_${btoa(s)}`) }),
    signature: "webhook-signature",
    timestamp: "webhook-timestamp",
  },
  { name: "stripe", make: (secret) => stripe({ secret }), signature: "stripe-signature", hex: true },
  { name: "github", make: (secret) => github({ secret }), signature: "x-hub-signature-256", hex: true },
  {
    name: "slack",
    make: (secret) => slack({ secret }),
    signature: "x-slack-signature",
    hex: true,
    timestamp: "x-slack-request-timestamp",
  },
  { name: "shopify", make: (secret) => shopify({ secret }), signature: "x-shopify-hmac-sha256" },
  {
    name: "twilio",
    make: (secret) => twilio({ secret }),
    signature: "x-twilio-signature",
    contentType: "application/x-www-form-urlencoded",
  },
  {
    name: "hmac",
    make: (secret) => hmac({ secret, header: "x-sig", timestampHeader: "x-ts" }),
    signature: "x-sig",
    timestamp: "x-ts",
    hex: true,
  },
];

const body = "Body=Hello+there&From=%2B15550001111&MessageSid=SM1";

async function signed(c: Case, provider: WebhookProvider, payload: string | Uint8Array = body) {
  const headers = await signWebhook(provider, { body: payload, url, clock, id: "delivery-1" });
  return c.contentType ? { ...headers, "content-type": c.contentType } : headers;
}

for (const c of cases) {
  describe(`${c.name}: sign → verify`, () => {
    const provider = c.make("s3cr3t");

    it("verifies what it signed, as string and as bytes", async () => {
      const headers = await signed(c, provider);
      expect((await verifyWebhook(provider, { body, headers, url, clock })).ok).toBe(true);
      const bytes = new TextEncoder().encode(body);
      expect((await verifyWebhook(provider, { body: bytes, headers, url, clock })).ok).toBe(true);
    });

    it("verifies during a rotation, and refuses another secret", async () => {
      const headers = await signed(c, c.make("old"));
      expect((await verifyWebhook(c.make(["new", "old"]), { body, headers, url, clock })).ok).toBe(true);
      expect(await verifyWebhook(c.make("other"), { body, headers, url, clock })).toMatchObject({
        ok: false,
        reason: "no_matching_signature",
      });
    });

    it("refuses any single-byte change of the body", async () => {
      const headers = await signed(c, provider);
      await fc.assert(
        fc.asyncProperty(fc.nat(body.length - 1), fc.integer({ min: 1, max: 255 }), async (i, delta) => {
          const bytes = new TextEncoder().encode(body);
          bytes[i] = ((bytes[i] as number) + delta) % 256;
          const verdict = await verifyWebhook(provider, { body: bytes, headers, url, clock });
          expect(verdict.ok).toBe(false);
        }),
        { numRuns: 60 },
      );
    });

    it("refuses any single-character change of the signature or the timestamp", async () => {
      const headers = await signed(c, provider);
      const targets = [c.signature, ...(c.timestamp ? [c.timestamp] : [])];
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...targets),
          fc.nat(200),
          fc.integer({ min: 1, max: 94 }),
          async (name, at, delta) => {
            const value = headers[name] as string;
            const i = at % value.length;
            const changed =
              value.slice(0, i) +
              String.fromCharCode(((value.charCodeAt(i) - 32 + delta) % 95) + 32) +
              value.slice(i + 1);
            const verdict = await verifyWebhook(provider, {
              body,
              headers: { ...headers, [name]: changed },
              url,
              clock,
            });
            // Hex accepts either letter case, so flipping the case of a hex digit is no change; anything else must fail.
            if (
              c.hex &&
              name === c.signature &&
              changed.toLowerCase() === value.toLowerCase() &&
              /[a-f]/i.test(value[i] as string)
            )
              return;
            expect(verdict.ok).toBe(false);
          },
        ),
        { numRuns: 150 },
      );
    });

    it("never throws on arbitrary header strings", async () => {
      const headers = await signed(c, provider);
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(fc.constantFrom(...Object.keys(headers), "x-other"), fc.string({ maxLength: 120 })),
          async (garbage) => {
            const verdict = await verifyWebhook(provider, {
              body,
              headers: { ...headers, ...garbage },
              url,
              clock,
            });
            if (!verdict.ok) {
              expect([400, 401]).toContain(verdict.problem.status);
              // The problem names the header at fault, never a secret or a signature.
              const text = JSON.stringify(verdict.problem);
              expect(text).not.toContain("s3cr3t");
              const expected = (headers[c.signature] as string).replace(/^(sha256=|v0=|v1,|t=\d+,v1=)/, "");
              expect(text).not.toContain(expected);
            }
          },
        ),
        { numRuns: 150 },
      );
    });
  });
}

it("signs the Standard Webhooks library's sign() vector", async () => {
  const provider = standardWebhooks({ secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" });
  const headers = await signWebhook(provider, {
    body: '{"test": 2432232314}',
    id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
    timestamp: 1614265330,
  });
  expect(headers["webhook-signature"]).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
});

it("refuses a negative or fractional timestamp when signing", async () => {
  await expect(signWebhook(github({ secret: "x" }), { body: "", timestamp: -1 })).rejects.toThrow(RangeError);
  await expect(signWebhook(github({ secret: "x" }), { body: "", timestamp: 1.5 })).rejects.toThrow(
    RangeError,
  );
});
