// The runtime conformance suite: plain checks over @goggles/core's public API, using web standards only.
// It is bundled for each runtime with that runtime's export conditions and run there (see runtimes.ts).
import {
  apiKeys,
  boundary,
  circuitBreaker,
  clientIp,
  consecutive,
  constantBackoff,
  contentTooLarge,
  createBoundaryRequest,
  createLimiter,
  escapeAttribute,
  escapeHtml,
  fail,
  fromRequest,
  github,
  hmac,
  ipFilter,
  ipKey,
  isBrokenCircuitError,
  isProblemError,
  isTimeoutError,
  json,
  normalizeText,
  parseJson,
  pass,
  problemResponse,
  rateLimit,
  retry,
  safeUrl,
  sanitize,
  sanitizeHtml,
  shopify,
  signWebhook,
  slack,
  standardWebhooks,
  stripe,
  timeout,
  twilio,
  verifyWebhook,
  type WebhookProvider,
  wrap,
} from "@goggles/core";
import { FakeClock } from "@goggles/core/testing";
import { withBoundary } from "@goggles/fetch";
import * as v from "valibot";

export interface Check {
  readonly name: string;
  readonly run: () => Promise<void>;
}

export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly error?: string;
}

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

export const checks: readonly Check[] = [
  {
    name: "problemResponse writes application/problem+json",
    async run() {
      const res = problemResponse(contentTooLarge({ detail: "too big", headers: { "retry-after": "1" } }));
      assert(res.status === 413, `status ${res.status}`);
      assert(res.headers.get("content-type") === "application/problem+json", "content type");
      assert(res.headers.get("retry-after") === "1", "headers");
      const body = (await res.json()) as { title: string };
      assert(body.title === "Content Too Large", "body");
    },
  },
  {
    name: "boundary runs guards in order and stops at the first refusal",
    async run() {
      const seen: string[] = [];
      const protect = boundary()
        .use({ name: "a", check: () => pass(seen.push("a")) })
        .use({ name: "b", check: async () => fail(contentTooLarge({ detail: `after ${seen.push("b")}` })) })
        .use({ name: "c", check: () => pass(seen.push("c")) });
      const verdict = await protect(
        createBoundaryRequest({
          method: "GET",
          url: "https://x.test/",
          headers: {},
          remoteAddress: "192.0.2.1",
        }),
      );
      assert(!verdict.ok && verdict.problem.status === 413, "verdict");
      assert(seen.join() === "a,b", `order ${seen.join()}`);
    },
  },
  {
    name: "a web Request body is read once, cached, and cut at the byte limit",
    async run() {
      const request = fromRequest(new Request("https://x.test/", { method: "POST", body: "hello" }));
      const first = await request.body();
      const second = await request.body();
      assert(first === second && new TextDecoder().decode(first) === "hello", "cached body");
      const big = fromRequest(new Request("https://x.test/", { method: "POST", body: "x".repeat(2048) }), {
        limits: { maxBytes: 1024 },
      });
      const error = await big.body().then(
        () => undefined,
        (e: unknown) => e,
      );
      assert(isProblemError(error) && error.problem.status === 413, "413 past the limit");
    },
  },
  {
    name: "clientIp reads X-Forwarded-For only through trusted hops; ipKey groups IPv6 by /56",
    async run() {
      const request = createBoundaryRequest({
        method: "GET",
        url: "https://x.test/",
        headers: { "x-forwarded-for": "198.51.100.9, 2001:DB8:0:0:1::7, 10.0.0.2" },
        remoteAddress: "10.0.0.1",
      });
      assert(clientIp(request) === "10.0.0.1", "no trust: socket address");
      assert(clientIp(request, { trustProxy: 2 }) === "2001:db8::1:0:0:7", "two hops, canonical IPv6");
      assert(clientIp(request, { trustProxy: ["10.0.0.0/8"] }) === "2001:db8::1:0:0:7", "CIDR list");
      assert(ipKey("2001:db8:0:1ff::7") === "2001:db8:0:100::/56", `ipKey ${ipKey("2001:db8:0:1ff::7")}`);
    },
  },
  {
    name: "ipFilter refuses addresses outside the allow list with a 403",
    async run() {
      const protect = boundary().use(ipFilter({ allow: ["192.0.2.0/24", "2001:db8::/32"] }));
      const at = (remoteAddress: string) =>
        protect(createBoundaryRequest({ method: "GET", url: "https://x.test/", headers: {}, remoteAddress }));
      assert((await at("192.0.2.44")).ok, "inside the range");
      assert((await at("::ffff:192.0.2.45")).ok, "IPv4-mapped IPv6");
      const outside = await at("198.51.100.1");
      assert(!outside.ok && outside.problem.status === 403, "outside the range");
    },
  },
  {
    name: "validation: parseJson refuses __proto__ and deep nesting; json() validates with a Standard Schema (Valibot)",
    async run() {
      const polluted = parseJson('{"a":1,"__proto__":{"admin":true}}');
      assert(!polluted.ok && polluted.problem.status === 400, "__proto__ refused");
      const deep = parseJson(`${"[".repeat(10_000)}${"]".repeat(10_000)}`);
      assert(!deep.ok && deep.problem.status === 400, "deep nesting refused");
      const protect = boundary().use(json({ schema: v.object({ email: v.pipe(v.string(), v.email()) }) }));
      const send = (body: string, type = "application/json") =>
        protect(
          createBoundaryRequest({
            method: "POST",
            url: "https://x.test/",
            headers: { "content-type": type },
            body,
          }),
        );
      const good = await send('{"email":"ada@example.com"}');
      assert(good.ok && good.value.body.email === "ada@example.com", "valid body typed on the context");
      const invalid = await send('{"email":"nope"}');
      assert(!invalid.ok && invalid.problem.status === 422, "schema failure → 422");
      const wrongType = await send("email=x", "application/x-www-form-urlencoded");
      assert(!wrongType.ok && wrongType.problem.status === 415, "wrong content type → 415");
    },
  },
  {
    name: "rate limiting: a token bucket driven by FakeClock refills exactly and a rejection consumes nothing",
    async run() {
      const clock = new FakeClock(1_764_000_000_000);
      const limiter = createLimiter({ capacity: 3, refillPerSecond: 1, clock });
      for (let i = 0; i < 3; i++) assert((await limiter.consume("k")).allowed, `request ${i + 1} allowed`);
      const refused = await limiter.consume("k");
      assert(
        !refused.allowed && refused.retryAfterMs === 1000,
        `refused, retry after ${refused.retryAfterMs}`,
      );
      await clock.advance(999);
      assert(!(await limiter.consume("k")).allowed, "still refused at 999 ms");
      await clock.advance(1);
      const again = await limiter.consume("k");
      assert(again.allowed && again.remaining === 0, "one token after 1 s");
    },
  },
  {
    name: "the fetch adapter answers a request: 429 with RateLimit headers past the limit, the handler's response before",
    async run() {
      const clock = new FakeClock(1_764_000_000_000);
      const limiter = createLimiter({ capacity: 1, refillPerSecond: 1, clock });
      const handler = withBoundary(
        boundary({ clock }).use(rateLimit({ limiter })),
        async (request, context) => new Response(`hello ${context.ip} ${await request.text()}`),
        { getIp: () => "203.0.113.9" },
      );
      const send = () => handler(new Request("https://x.test/", { method: "POST", body: "body" }));
      const ok = await send();
      assert(ok.status === 200 && (await ok.text()) === "hello 203.0.113.9 body", "handler answered");
      assert(ok.headers.get("ratelimit") !== null, "RateLimit header on the 200");
      const limited = await send();
      assert(limited.status === 429, `status ${limited.status}`);
      assert(limited.headers.get("content-type") === "application/problem+json", "problem+json");
      assert(limited.headers.get("retry-after") === "1", `retry-after ${limited.headers.get("retry-after")}`);
    },
  },
  {
    name: "FakeClock completes a chain of sleeps in one advance",
    async run() {
      const clock = new FakeClock(0);
      const times: number[] = [];
      const chain = (async () => {
        for (const ms of [10, 20, 40]) {
          await clock.sleep(ms);
          times.push(clock.now());
        }
      })();
      await clock.advance(70);
      await chain;
      assert(times.join() === "10,30,70", `times ${times.join()}`);
    },
  },
  {
    name: "webhooks: GitHub's published vector verifies and a changed body does not",
    async run() {
      const provider = github({ secret: "It's a Secret to Everybody" });
      const headers = {
        "x-hub-signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
      };
      assert((await verifyWebhook(provider, { body: "Hello, World!", headers })).ok, "vector");
      const changed = await verifyWebhook(provider, { body: "Hello, World?", headers });
      assert(!changed.ok && changed.reason === "no_matching_signature", "changed body");
    },
  },
  {
    name: "webhooks: sign → verify round trip for every provider",
    async run() {
      const clock = new FakeClock(1_700_000_000_000);
      const url = "https://hooks.example.com/in";
      const body = "Body=hi&From=%2B15550001111";
      const providers: WebhookProvider[] = [
        standardWebhooks({ secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }),
        stripe({ secret: "whsec_x" }),
        github({ secret: "x" }),
        slack({ secret: "x" }),
        shopify({ secret: "x" }),
        twilio({ secret: "x" }),
        hmac({ secret: "x", header: "x-sig", timestampHeader: "x-ts" }),
      ];
      for (const provider of providers) {
        const signed = await signWebhook(provider, { body, url, clock });
        const headers = { ...signed, "content-type": "application/x-www-form-urlencoded" };
        const bytes = new TextEncoder().encode(body);
        assert((await verifyWebhook(provider, { body: bytes, headers, url, clock })).ok, provider.name);
        bytes[0] = 0x62;
        assert(
          !(await verifyWebhook(provider, { body: bytes, headers, url, clock })).ok,
          `${provider.name} tampered`,
        );
      }
    },
  },
  {
    name: "api keys: generate, verify, refuse a typo",
    async run() {
      const { key, hash } = await apiKeys.generate({ prefix: "acme" });
      assert(await apiKeys.verify(key, hash), "verify");
      assert(apiKeys.parse(`${key.slice(0, -1)}${key.endsWith("0") ? "1" : "0"}`) === undefined, "typo");
    },
  },
  {
    name: "sanitizing: sanitizeHtml, safeUrl, normalizeText and the encoders give the same answers everywhere",
    async run() {
      const html = sanitizeHtml(
        `<p onclick=x>Hi <a href="&#0000106avascript:alert(1)">a</a><a href=https://ok.test/?a=1&b=2>b</a>` +
          `<svg><style><img src=x onerror=alert(1)></style></svg><xmp><img></xmp>&hellip; <div>d</div>`,
      );
      const expected =
        '<p>Hi <a rel="nofollow noopener noreferrer">a</a>' +
        '<a href="https://ok.test/?a=1&amp;b=2" rel="nofollow noopener noreferrer">b</a>' +
        '<img src="x">… &lt;div&gt;d&lt;/div&gt;</p>';
      assert(html === expected, `sanitizeHtml ${html}`);
      assert(sanitizeHtml(html) === html, "idempotent");
      assert(safeUrl(" java\tscript&colon;alert(1)") === undefined, "safeUrl refuses javascript:");
      assert(safeUrl("https://ok.test/x") === "https://ok.test/x", "safeUrl keeps https");
      assert(normalizeText("  Cafe\u0301\u202e ") === "Caf\u00e9", "normalizeText");
      assert(escapeHtml(`<"&'>`) === "&lt;&quot;&amp;&#39;&gt;", "escapeHtml");
      assert(escapeAttribute("a b") === "a&#x20;b", "escapeAttribute");
      const clean = sanitize({ bio: "<b>x</b><script>y</script>", n: 1 }, { bio: sanitizeHtml });
      assert(clean.bio === "<b>x</b>" && clean.n === 1, "sanitize");
    },
  },
  {
    name: "outbound policies: a per-call timeout aborts its own signal, retry and the breaker count attempts",
    async run() {
      const clock = new FakeClock(0);
      const breaker = circuitBreaker({ strategy: consecutive({ threshold: 2 }), openFor: 1_000, clock });
      const policy = wrap(
        retry({ maxAttempts: 2, backoff: constantBackoff(10), clock }),
        breaker,
        timeout(100, { clock }),
      );
      const signals: AbortSignal[] = [];
      const call = policy
        .execute(({ signal }) => {
          if (signal) signals.push(signal);
          return new Promise((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason)));
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      await clock.advance(100);
      await clock.advance(10);
      await clock.advance(100);
      const error = await call;
      assert(isTimeoutError(error), "the last attempt's TimeoutError");
      assert(
        signals.length === 2 && signals.every((s) => s.aborted && isTimeoutError(s.reason)),
        "own signals",
      );
      const refused = await breaker
        .execute(() => "x")
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      assert(isBrokenCircuitError(refused) && refused.retryAfterMs === 1_000, "open after two failures");
      assert(clock.pending === 0, "no sleeper left");
      const real = await timeout(5)
        .execute(
          ({ signal }) =>
            new Promise((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason))),
        )
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      assert(isTimeoutError(real), "the system clock's timeout");
    },
  },
];

/** Runs every check and reports each outcome; never throws. */
export async function runConformance(): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    try {
      await check.run();
      results.push({ name: check.name, ok: true });
    } catch (error) {
      results.push({
        name: check.name,
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return results;
}
