import { createHmac, timingSafeEqual } from "node:crypto";
import { createRequire } from "node:module";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { type Clock, github, signWebhook, standardWebhooks, stripe, verifyWebhook } from "@goggles/core";
import { verify as octokitVerify } from "@octokit/webhooks-methods";
import { Webhook } from "standardwebhooks";
import Stripe from "stripe";
import { defineSuite } from "../suite.js";

// A 1 KiB Stripe-style event body.
const payload = (() => {
  const base = {
    id: "evt_1PxBench",
    object: "event",
    type: "invoice.paid",
    data: { object: { id: "in_1", lines: "" } },
  };
  const pad = 1024 - JSON.stringify(base).length;
  base.data.object.lines = "x".repeat(pad);
  return JSON.stringify(base);
})();
const stripeSecret = "whsec_bench_0123456789abcdef0123456789abcdef";
const swSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ghSecret = "It's a Secret to Everybody";

// Signed at setup with the real time: the peers check timestamps against Date.now(); ours reads a fixed clock.
let t = 0;
let clock: Clock;
let stripeHeader = "";
let swHeaders: Record<string, string> = {};
let ghSignature = "";
let v1 = Buffer.alloc(0);

const ours = stripe({ secret: stripeSecret });
const oursSw = standardWebhooks({ secret: swSecret });
const oursGh = github({ secret: ghSecret });
const theirsSw = new Webhook(swSecret);
const stripeClient = new Stripe("sk_test_bench");

export default defineSuite({
  name: "webhooks",
  repeat: 3,
  description:
    "Verify a 1 KiB Stripe-style payload: goggles (node:crypto path of the built package) against a bare node:crypto HMAC + timingSafeEqual, stripe-node constructEvent, standardwebhooks verify and @octokit/webhooks-methods verify.",
  async setup() {
    t = Math.floor(Date.now() / 1000);
    clock = { now: () => t * 1000, sleep: async () => {} };
    stripeHeader = (await signWebhook(ours, { body: payload, timestamp: t }))["stripe-signature"] as string;
    v1 = Buffer.from(stripeHeader.split("v1=")[1] as string, "hex");
    swHeaders = await signWebhook(oursSw, { body: payload, timestamp: t, id: "msg_bench" });
    ghSignature = (await signWebhook(oursGh, { body: payload }))["x-hub-signature-256"] as string;
    // Every case must accept its input, or the numbers mean nothing.
    const checks = [
      (await verifyWebhook(ours, { body: payload, headers: { "stripe-signature": stripeHeader }, clock })).ok,
      (await verifyWebhook(oursSw, { body: payload, headers: swHeaders, clock })).ok,
      (await verifyWebhook(oursGh, { body: payload, headers: { "x-hub-signature-256": ghSignature } })).ok,
      stripeClient.webhooks.constructEvent(payload, stripeHeader, stripeSecret).id === "evt_1PxBench",
      (theirsSw.verify(payload, swHeaders) as { id: string }).id === "evt_1PxBench",
      await octokitVerify(ghSecret, payload, ghSignature),
    ];
    if (checks.some((ok) => !ok))
      throw new Error(`webhooks bench: a case rejects its input (${checks.join()})`);
  },
  cases: [
    {
      name: "node:crypto createHmac + timingSafeEqual (baseline)",
      fn: () => {
        const expected = createHmac("sha256", stripeSecret).update(`${t}.${payload}`).digest();
        return timingSafeEqual(expected, v1);
      },
    },
    {
      name: "goggles verifyWebhook(stripe)",
      fn: () => verifyWebhook(ours, { body: payload, headers: { "stripe-signature": stripeHeader }, clock }),
    },
    {
      name: "stripe constructEvent",
      peer: "stripe",
      fn: () => stripeClient.webhooks.constructEvent(payload, stripeHeader, stripeSecret),
    },
    {
      name: "goggles verifyWebhook(standardWebhooks)",
      fn: () => verifyWebhook(oursSw, { body: payload, headers: swHeaders, clock }),
    },
    {
      name: "standardwebhooks verify",
      peer: "standardwebhooks",
      fn: () => theirsSw.verify(payload, swHeaders),
    },
    {
      name: "goggles verifyWebhook(github)",
      fn: () => verifyWebhook(oursGh, { body: payload, headers: { "x-hub-signature-256": ghSignature } }),
    },
    {
      name: "@octokit/webhooks-methods verify",
      peer: "@octokit/webhooks-methods",
      fn: () => octokitVerify(ghSecret, payload, ghSignature),
    },
  ],
  ratios: [
    {
      ours: "goggles verifyWebhook(stripe)",
      peer: "node:crypto createHmac + timingSafeEqual (baseline)",
      min: 1 / 1.3,
      target: "within 1.3× of bare node:crypto",
    },
    {
      ours: "goggles verifyWebhook(stripe)",
      peer: "stripe constructEvent",
      min: 1,
      target: "at least as fast as stripe-node",
    },
    {
      ours: "goggles verifyWebhook(standardWebhooks)",
      peer: "standardwebhooks verify",
      min: 5,
      target: "at least 5× standardwebhooks",
    },
    { ours: "goggles verifyWebhook(github)", peer: "@octokit/webhooks-methods verify" },
  ],
  facts: async () => {
    // Which backend `#crypto` resolves to for code inside the built package, under Node's conditions.
    const entry = fileURLToPath(import.meta.resolve("@goggles/core"));
    const backend = basename(createRequire(entry).resolve("#crypto"));
    // Wall time on a shared machine swings with other processes' load; CPU time of this process
    // (process.cpuUsage, interleaved rounds) is a second, steadier reading of the same ratios.
    const fns = {
      baseline: () =>
        timingSafeEqual(createHmac("sha256", stripeSecret).update(`${t}.${payload}`).digest(), v1),
      stripeOurs: () =>
        verifyWebhook(ours, { body: payload, headers: { "stripe-signature": stripeHeader }, clock }),
      stripePeer: () => stripeClient.webhooks.constructEvent(payload, stripeHeader, stripeSecret),
      swOurs: () => verifyWebhook(oursSw, { body: payload, headers: swHeaders, clock }),
      swPeer: () => theirsSw.verify(payload, swHeaders),
    };
    const samples: Record<string, number[]> = {};
    for (let round = 0; round < 21; round++) {
      for (const [name, fn] of Object.entries(fns)) {
        const n = name === "swPeer" ? 300 : 1500;
        const start = process.cpuUsage();
        for (let i = 0; i < n; i++) {
          const out = fn();
          if (out instanceof Promise) await out;
        }
        const used = process.cpuUsage(start);
        if (round > 0) {
          samples[name] = samples[name] ?? [];
          samples[name].push((used.user + used.system) / n);
        }
      }
    }
    const med = (xs: number[] = []) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
    const cpu = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, med(xs)])) as Record<
      keyof typeof fns,
      number
    >;
    const f = (x: number) => x.toFixed(2);
    return {
      "#crypto resolves to (Node)": backend,
      "CPU µs per verify (median of 20 interleaved rounds)": `baseline ${f(cpu.baseline)} · goggles stripe ${f(cpu.stripeOurs)} · stripe ${f(cpu.stripePeer)} · goggles standardWebhooks ${f(cpu.swOurs)} · standardwebhooks ${f(cpu.swPeer)}`,
      "CPU-time ratios": `vs baseline ${f(cpu.baseline / cpu.stripeOurs)}× (min 0.77) · vs stripe ${f(cpu.stripePeer / cpu.stripeOurs)}× (min 1) · vs standardwebhooks ${f(cpu.swPeer / cpu.swOurs)}× (min 5)`,
    };
  },
  notes: [
    "goggles parses the header, checks the timestamp both ways and decodes the signature strictly; the baseline does none of that.",
  ],
});
