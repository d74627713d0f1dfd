import { describe, expect, it } from "vitest";
import type { GogglesEvent } from "../events.js";
import { boundary } from "../http/boundary.js";
import { createBoundaryRequest } from "../http/boundary-request.js";
import { earlyResponse } from "../http/early-response.js";
import { FakeClock } from "../testing/fake-clock.js";
import type { Replied } from "../verdict.js";
import { github } from "./providers/github.js";
import { stripe } from "./providers/stripe.js";
import { twilio } from "./providers/twilio.js";
import { MemoryReplayStore, type ReplayStore } from "./replay.js";
import { signWebhook } from "./sign.js";
import { webhook } from "./webhook.js";

const NOW = 1_700_000_000;
const provider = stripe({ secret: "whsec_guard" });
const body = '{"id":"evt_42","type":"invoice.paid"}';

async function delivery(payload = body, timestamp = NOW) {
  const headers = await signWebhook(provider, { body: payload, timestamp });
  return () =>
    createBoundaryRequest({ method: "POST", url: "https://api.example.com/hooks", headers, body: payload });
}

function setup(store: ReplayStore = new MemoryReplayStore()) {
  const clock = new FakeClock(NOW * 1000);
  const events: GogglesEvent[] = [];
  const protect = boundary({ clock, onEvent: (e) => events.push(e) }).use(
    webhook(provider, { replay: store }),
  );
  return { protect, events, clock };
}

describe("webhook() guard", () => {
  it("puts the verified event in the context and reports webhook_verified", async () => {
    const { protect, events } = setup();
    const verdict = await protect((await delivery())());
    expect(verdict.ok).toBe(true);
    if (verdict.ok) {
      expect(verdict.value.webhook.id).toBe("evt_42");
      expect(verdict.value.webhook.payload).toEqual({ id: "evt_42", type: "invoice.paid" });
    }
    expect(events).toContainEqual({ type: "webhook_verified", provider: "stripe", id: "evt_42" });
  });

  it("acknowledges a processed duplicate with 200 without reaching the handler", async () => {
    const { protect, events } = setup();
    const first = await protect((await delivery())());
    expect(first.ok).toBe(true);
    await first.after({ status: 200 });
    // Stripe's retry is re-signed with a later timestamp but carries the same event id.
    const again = await protect((await delivery(body, NOW + 60))());
    expect(again).toMatchObject({
      ok: false,
      reply: { status: 200, body: { received: true, duplicate: true } },
    });
    expect(again).not.toHaveProperty("problem");
    const response = earlyResponse(again as Replied);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, duplicate: true });
    expect(events).toContainEqual({
      type: "webhook_replayed",
      provider: "stripe",
      id: "evt_42",
      inFlight: false,
    });
  });

  it("answers 409 to a duplicate of a delivery still in flight", async () => {
    const { protect } = setup();
    const make = await delivery();
    const first = await protect(make());
    expect(first.ok).toBe(true);
    const second = await protect(make());
    expect(second).toMatchObject({ ok: false, problem: { status: 409, headers: { "retry-after": "10" } } });
  });

  it("releases the id when the handler fails, so the provider's retry is accepted", async () => {
    const { protect } = setup();
    const make = await delivery();
    const first = await protect(make());
    await first.after({ status: 500, error: new Error("db down") });
    expect((await protect(make())).ok).toBe(true);
    const third = await protect(make());
    expect(third.ok).toBe(false);
  });

  it("releases the id when a later guard refuses the request", async () => {
    const store = new MemoryReplayStore();
    const clock = new FakeClock(NOW * 1000);
    const protect = boundary({ clock })
      .use(webhook(provider, { replay: store }))
      .use({ name: "nope", check: () => ({ ok: false, problem: { type: "x", title: "No", status: 422 } }) });
    const make = await delivery();
    expect((await protect(make())).ok).toBe(false);
    expect(store.claim("stripe:id:evt_42", 1000)).toEqual({ claimed: true });
  });

  it("forgets a processed delivery after the TTL, under the fake clock", async () => {
    const clock = new FakeClock(NOW * 1000);
    const store = new MemoryReplayStore({ clock });
    const protect = boundary({ clock }).use(webhook(provider, { replay: { store, ttlMs: 600_000 } }));
    const first = await protect((await delivery())());
    await first.after({ status: 204 });
    await clock.advance(600_000);
    // The same event, re-signed now: accepted again once the window has passed.
    expect((await protect((await delivery(body, NOW + 600))())).ok).toBe(true);
  });

  it("refuses a bad signature with a problem and webhook_rejected, never reaching the store", async () => {
    const store = new MemoryReplayStore();
    const { protect, events } = setup(store);
    const request = createBoundaryRequest({
      method: "POST",
      url: "https://api.example.com/hooks",
      headers: { "stripe-signature": `t=${NOW},v1=${"0".repeat(64)}` },
      body,
    });
    const verdict = await protect(request);
    expect(verdict).toMatchObject({ ok: false, problem: { status: 401 } });
    expect(events).toContainEqual({
      type: "webhook_rejected",
      provider: "stripe",
      reason: "no_matching_signature",
    });
    expect(store.size).toBe(0);
  });

  it("answers 503 when the replay store fails, and reports store_error", async () => {
    const broken: ReplayStore = {
      claim: () => Promise.reject(new Error("ECONNREFUSED")),
      complete: () => {},
      release: () => {},
    };
    const { protect, events } = setup(broken);
    const verdict = await protect((await delivery())());
    expect(verdict).toMatchObject({ ok: false, problem: { status: 503 } });
    expect(events.some((e) => e.type === "store_error")).toBe(true);
  });

  it("answers 413 for a body over maxBodyBytes", async () => {
    const protect = boundary({ clock: new FakeClock(NOW * 1000) }).use(
      webhook(github({ secret: "x" }), { maxBodyBytes: 10 }),
    );
    const verdict = await protect(
      createBoundaryRequest({ method: "POST", url: "https://a.example/", headers: {}, body: "x".repeat(11) }),
    );
    expect(verdict).toMatchObject({ ok: false, problem: { status: 413 } });
  });

  it("verifies Twilio against the public URL option, not the proxied one", async () => {
    const tw = twilio({ secret: "tok" });
    const form = "Body=hi&From=%2B1555";
    const headers = await signWebhook(tw, { body: form, url: "https://public.example.com/sms" });
    const request = createBoundaryRequest({
      method: "POST",
      url: "http://10.0.0.3:8080/sms",
      headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
      body: form,
    });
    const plain = boundary().use(webhook(tw));
    expect((await plain(request)).ok).toBe(false);
    const withUrl = boundary().use(
      webhook(tw, { url: (r) => `https://public.example.com${new URL(r.url).pathname}` }),
    );
    expect((await withUrl(request)).ok).toBe(true);
  });
});
