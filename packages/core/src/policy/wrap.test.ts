import { describe, expect, expectTypeOf, it } from "vitest";
import { circuitBreaker } from "../breaker/circuit-breaker.js";
import { consecutive } from "../breaker/strategies.js";
import { isBrokenCircuitError } from "../errors/broken-circuit-error.js";
import { TimeoutError } from "../errors/timeout-error.js";
import { FakeClock } from "../testing/fake-clock.js";
import { constantBackoff } from "./backoff.js";
import { bulkhead } from "./bulkhead.js";
import { fallback } from "./fallback.js";
import type { Policy, PolicyContext } from "./policy.js";
import { retry } from "./retry.js";
import { timeout } from "./timeout.js";
import { wrap } from "./wrap.js";

const tracer = (name: string, log: string[]): Policy => ({
  async execute(fn, options) {
    log.push(`${name}>`);
    try {
      return await fn(options as PolicyContext);
    } finally {
      log.push(`<${name}`);
    }
  },
});

describe("wrap", () => {
  it("runs the first policy outermost", async () => {
    const log: string[] = [];
    await wrap(tracer("a", log), tracer("b", log), tracer("c", log)).execute(() => log.push("fn"));
    expect(log).toEqual(["a>", "b>", "c>", "fn", "<c", "<b", "<a"]);
    expect(await wrap().execute(() => 5)).toBe(5);
  });

  it("merges one context: the innermost timeout's signal, retry's attempt", async () => {
    const clock = new FakeClock();
    const outer = new AbortController();
    const seen: PolicyContext[] = [];
    const policy = wrap(
      timeout(10_000, { clock }),
      retry({ maxAttempts: 3, backoff: constantBackoff(0), clock }),
      timeout(100, { clock }),
    );
    const result = await policy.execute(
      (ctx) => {
        seen.push(ctx);
        if (ctx.attempt < 3) throw new Error("again");
        return "ok";
      },
      { signal: outer.signal },
    );
    expect(result).toBe("ok");
    expect(seen.map((c) => c.attempt)).toEqual([1, 2, 3]);
    expect(new Set(seen.map((c) => c.signal)).size).toBe(3); // a fresh per-attempt signal each time
    expect(seen.every((c) => c.signal !== outer.signal && !c.signal?.aborted)).toBe(true);
    outer.abort();
    expect(seen.every((c) => c.signal?.aborted === false)).toBe(true); // settled calls' signals are let go
    expect(clock.pending).toBe(0);
  });

  it("in the canonical order: breaker counts attempts, retry waits out the open breaker, fallback answers", async () => {
    const clock = new FakeClock();
    const breaker = circuitBreaker({ strategy: consecutive({ threshold: 2 }), openFor: 1_000, clock });
    const policy = wrap(
      fallback((e: unknown) => (isBrokenCircuitError(e) ? "from fallback (open)" : "from fallback")),
      bulkhead({ limit: 5 }),
      timeout(60_000, { clock }),
      retry({ maxAttempts: 4, backoff: constantBackoff(10), clock }),
      breaker,
      timeout(100, { clock }),
    );
    const attempts: number[] = [];
    const call = policy.execute(({ attempt, signal }) => {
      attempts.push(attempt);
      if (attempt <= 2)
        return new Promise((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason)));
      return "recovered";
    });
    await clock.advance(100); // attempt 1 times out
    await clock.advance(10);
    await clock.advance(100); // attempt 2 times out: the breaker opens
    expect(breaker.state).toBe("open");
    // attempt 3 is refused by the open breaker (never reaching fn); retry waits its retryAfterMs, and
    // attempt 4 is the half-open probe, which succeeds
    await clock.advance(1_000);
    expect(await call).toBe("recovered");
    expect(attempts).toEqual([1, 2, 4]);
    expect(breaker.state).toBe("closed");
    expect(clock.pending).toBe(0);

    const failing = wrap(fallback("stale"), timeout(5, { clock }));
    const p = failing.execute(() => new Promise(() => {}));
    await clock.advance(5);
    expect(await p).toBe("stale");
  });

  it("fallback leaves a caller's abort alone and honours shouldHandle", async () => {
    const controller = new AbortController();
    controller.abort(new Error("gone"));
    await expect(
      fallback(1).execute(() => Promise.reject(new Error("x")), { signal: controller.signal }),
    ).rejects.toThrow("x");
    await expect(
      fallback(1, { shouldHandle: (e) => !(e instanceof TimeoutError) }).execute(() =>
        Promise.reject(new TimeoutError(1)),
      ),
    ).rejects.toBeInstanceOf(TimeoutError);
    expect(
      await fallback(async (e: unknown) => `handled ${(e as Error).message}`).execute(() =>
        Promise.reject(new Error("x")),
      ),
    ).toBe("handled x");
  });
});

describe("wrap() result type", () => {
  it("is the work's type when no policy answers with a value of its own, and adds a fallback's", async () => {
    const plain = wrap(bulkhead({ limit: 2 }), circuitBreaker(), timeout(1000), retry({ maxAttempts: 2 }));
    const value = await plain.execute(() => 42);
    expectTypeOf(value).toEqualTypeOf<number>();
    const withFallback = wrap(fallback("queued" as const), circuitBreaker());
    const answer = await withFallback.execute(() => 42);
    expectTypeOf(answer).toEqualTypeOf<number | "queued">();
    const orNothing = wrap(
      fallback(() => undefined),
      timeout(1000),
    );
    const maybe = await orNothing.execute(() => 42);
    expectTypeOf(maybe).toEqualTypeOf<number | undefined>();
    expect(await orNothing.execute(() => Promise.reject(new Error("down")))).toBeUndefined();
  });
});
