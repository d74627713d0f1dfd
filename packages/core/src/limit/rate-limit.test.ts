import { describe, expect, it } from "vitest";
import type { GogglesEvent } from "../events.js";
import { boundary } from "../http/boundary.js";
import { createBoundaryRequest } from "../http/boundary-request.js";
import { problemBody } from "../problem.js";
import { FakeClock } from "../testing/fake-clock.js";
import { keyFingerprint } from "./fingerprint.js";
import { rateLimitHeader, rateLimitPolicyHeader, retryAfterSeconds } from "./headers.js";
import { createLimiter } from "./limiter.js";
import { rateLimit } from "./rate-limit.js";

const T0 = 1_764_000_000_000;

const request = (ip: string | undefined = "203.0.113.7", headers: Record<string, string> = {}) =>
  createBoundaryRequest({ method: "GET", url: "https://api.example.com/", headers, remoteAddress: ip });

function setup(options: Partial<Parameters<typeof rateLimit>[0]> = {}) {
  const clock = new FakeClock(T0);
  const events: GogglesEvent[] = [];
  const limiter = createLimiter({
    limits: {
      burst: { capacity: 2, refillPerSecond: 1 },
      daily: { capacity: 100, refillPerSecond: 100 / 86_400 },
    },
    clock,
  });
  const protect = boundary({ clock, onEvent: (e) => events.push(e) }).use(
    rateLimit({ limiter, ...options } as Parameters<typeof rateLimit>[0]),
  );
  return { clock, events, limiter, protect };
}

describe("rateLimit guard", () => {
  it("passes with RateLimit-Policy and RateLimit fields and the result in the context", async () => {
    const { protect } = setup();
    const verdict = await protect(request());
    expect(verdict.ok).toBe(true);
    if (!verdict.ok) return;
    expect(verdict.headers).toEqual({
      "ratelimit-policy": '"burst";q=2;w=2, "daily";q=100;w=86400',
      ratelimit: '"burst";r=1;t=1, "daily";r=99;t=864',
    });
    expect(verdict.value.rateLimit).toMatchObject({ allowed: true, policy: "burst", remaining: 1 });
  });

  it("refuses with a 429 problem, Retry-After and violated-policies, and reports a fingerprint", async () => {
    const { protect, events } = setup({ fingerprint: (key) => keyFingerprint(key, "salt") });
    await protect(request());
    await protect(request());
    const verdict = await protect(request());
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.problem.status).toBe(429);
    expect(verdict.problem.headers).toMatchObject({
      "retry-after": "1",
      ratelimit: '"burst";r=0;t=2, "daily";r=98;t=1728',
      "ratelimit-policy": '"burst";q=2;w=2, "daily";q=100;w=86400',
    });
    expect(problemBody(verdict.problem)).toMatchObject({
      type: "https://goggles.dev/problems/too-many-requests",
      detail: "Too many requests: retry in 1 second.",
      "violated-policies": ["burst"],
    });
    expect(events).toEqual([
      {
        type: "rate_limited",
        key: keyFingerprint("203.0.113.7", "salt"),
        policies: ["burst"],
        retryAfterMs: 1000,
      },
    ]);
    expect(JSON.stringify(events)).not.toContain("203.0.113.7");
  });

  it("keys by ipKey(client address) by default; no address shares 'unknown'", async () => {
    const { protect } = setup();
    for (let i = 0; i < 2; i++) await protect(request("198.51.100.1"));
    expect((await protect(request("198.51.100.1"))).ok).toBe(false);
    expect((await protect(request("198.51.100.2"))).ok).toBe(true);
    // IPv6 clients are grouped by /56: rotating addresses inside one allocation does not escape the limit.
    expect((await protect(request("2001:db8:aa:bb01::1"))).ok).toBe(true);
    expect((await protect(request("2001:db8:aa:bbff::2"))).ok).toBe(true);
    expect((await protect(request("2001:db8:aa:bb00:1:2:3:4"))).ok).toBe(false);
    expect((await protect(request("2001:db8:aa:cc00::1"))).ok).toBe(true);
    for (let i = 0; i < 2; i++) expect((await protect(request(undefined))).ok).toBe(true);
    expect((await protect(request(undefined))).ok).toBe(false);
  });

  it("takes a key and a cost function", async () => {
    const { protect } = setup({
      key: ({ request: r }) => r.headers.get("x-api-key") ?? "anonymous",
      cost: ({ request: r }) => (r.headers.get("x-bulk") ? 2 : 1),
    });
    expect((await protect(request("1.1.1.1", { "x-api-key": "a", "x-bulk": "1" }))).ok).toBe(true);
    expect((await protect(request("2.2.2.2", { "x-api-key": "a" }))).ok).toBe(false);
    expect((await protect(request("2.2.2.2", { "x-api-key": "b" }))).ok).toBe(true);
  });

  it("answers 413 for a cost no bucket can hold, and 400 for an oversized key", async () => {
    const big = setup({ cost: 3 });
    const verdict = await big.protect(request());
    expect(verdict.ok || verdict.problem.status).toBe(413);
    const long = setup({ key: () => "k".repeat(2000) });
    const refused = await long.protect(request());
    expect(refused.ok || refused.problem.status).toBe(400);
  });

  it("skip() neither limits nor charges", async () => {
    const { protect, limiter } = setup({ skip: ({ request: r }) => r.headers.get("x-internal") === "1" });
    for (let i = 0; i < 5; i++)
      expect((await protect(request("9.9.9.9", { "x-internal": "1" }))).ok).toBe(true);
    expect((await limiter.consume("9.9.9.9", 0)).remaining).toBe(2);
  });

  it("skipSuccessful refunds requests that succeeded; failures still count", async () => {
    const { protect, limiter } = setup({ skipSuccessful: true });
    for (let i = 0; i < 5; i++) {
      const v = await protect(request());
      expect(v.ok).toBe(true);
      await v.after({ status: 200 });
    }
    const failed = await protect(request());
    await failed.after({ status: 401 });
    expect((await limiter.consume("203.0.113.7", 0)).remaining).toBe(1);
  });

  it("skipFailed refunds failures, including refusals by a later guard", async () => {
    const clock = new FakeClock(T0);
    const limiter = createLimiter({ capacity: 2, refillPerSecond: 0.001, clock });
    const protect = boundary({ clock })
      .use(rateLimit({ limiter, skipFailed: true }))
      .use({
        name: "auth",
        check: ({ request: r }) =>
          r.headers.get("authorization")
            ? { ok: true as const, value: "user" }
            : { ok: false as const, problem: { type: "about:blank", title: "Unauthorized", status: 401 } },
      });
    for (let i = 0; i < 5; i++) expect((await protect(request())).ok).toBe(false);
    expect((await limiter.consume("203.0.113.7", 0)).remaining).toBe(2);
    const ok = await protect(request("203.0.113.7", { authorization: "x" }));
    await ok.after({ status: 500 });
    const counted = await protect(request("203.0.113.7", { authorization: "x" }));
    await counted.after({ status: 204 });
    expect((await limiter.consume("203.0.113.7", 0)).remaining).toBe(1);
  });

  it("legacy X-RateLimit-* fields on request", async () => {
    const { protect } = setup({ legacyHeaders: true });
    const verdict = await protect(request());
    expect(verdict.ok && verdict.headers).toMatchObject({
      "x-ratelimit-limit": "2",
      "x-ratelimit-remaining": "1",
      "x-ratelimit-reset": String(Math.ceil((T0 + 1000) / 1000)),
    });
  });

  it("inline limits run on the boundary's clock; the guard can be renamed", async () => {
    const clock = new FakeClock(T0);
    const protect = boundary({ clock }).use(
      rateLimit({ name: "perIp", limits: { default: { capacity: 1, refillPerSecond: 1 } } }),
    );
    expect((await protect(request())).ok).toBe(true);
    expect((await protect(request())).ok).toBe(false);
    await clock.advance(1000);
    const verdict = await protect(request());
    expect(verdict.ok && verdict.value.perIp?.remaining).toBe(0);
  });

  it("a key function that returns nothing usable is a bug: a 500 without details", async () => {
    const events: GogglesEvent[] = [];
    const limiter = createLimiter({ capacity: 1, refillPerSecond: 1 });
    const protect = boundary({ onEvent: (e) => events.push(e) }).use(rateLimit({ limiter, key: () => "" }));
    const verdict = await protect(request());
    expect(verdict.ok || verdict.problem).toEqual({
      type: "https://goggles.dev/problems/internal-error",
      title: "Internal Server Error",
      status: 500,
    });
    expect(events).toEqual([{ type: "guard_error", guard: "rateLimit", errorName: "LimiterInputError" }]);
  });

  it("needs a limiter or limits", () => {
    expect(() => rateLimit({} as never)).toThrowError(/limiter/);
  });
});

describe("rate-limit header fields", () => {
  it("format quota policies and remaining per draft-ietf-httpapi-ratelimit-headers-11", () => {
    const limiter = createLimiter({ capacity: 2.5, refillPerSecond: 3 });
    expect(rateLimitPolicyHeader(limiter.limits)).toBe('"default";q=2;w=1');
    const decision = {
      allowed: true,
      limit: 2,
      remaining: 1,
      retryAfterMs: 0,
      resetMs: 1001,
      policy: "default",
    };
    // A limiter of one limit answers without a policies list: the field comes from the top-level numbers.
    expect(rateLimitHeader(decision)).toBe('"default";r=1;t=2');
    // With several limits, one item per limit, in order.
    const burst = { name: "default", allowed: true, limit: 2, remaining: 1, retryAfterMs: 0, resetMs: 1001 };
    const daily = { name: "daily", allowed: true, limit: 9, remaining: 5, retryAfterMs: 0, resetMs: 9000 };
    expect(rateLimitHeader({ ...decision, policies: [burst, daily] })).toBe(
      '"default";r=1;t=2, "daily";r=5;t=9',
    );
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(0)).toBe(1);
    expect(retryAfterSeconds(2001)).toBe(3);
  });
});

describe("keyFingerprint", () => {
  it("is stable for a salt, differs across salts and keys, and never contains the key", () => {
    expect(keyFingerprint("203.0.113.7", "a")).toBe(keyFingerprint("203.0.113.7", "a"));
    expect(keyFingerprint("203.0.113.7", "a")).not.toBe(keyFingerprint("203.0.113.7", "b"));
    expect(keyFingerprint("203.0.113.7", "a")).not.toBe(keyFingerprint("203.0.113.8", "a"));
    expect(keyFingerprint("203.0.113.7")).toMatch(/^k:[0-9a-f]{16}$/);
    expect(keyFingerprint("203.0.113.7")).toBe(keyFingerprint("203.0.113.7"));
  });
});
