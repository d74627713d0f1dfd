import { describe, expect, it } from "vitest";
import { BrokenCircuitError } from "../errors/broken-circuit-error.js";
import { BulkheadRejectedError } from "../errors/bulkhead-rejected-error.js";
import { isRetryBudgetExhaustedError } from "../errors/retry-budget-exhausted-error.js";
import { FakeClock } from "../testing/fake-clock.js";
import { constantBackoff, exponentialBackoff } from "./backoff.js";
import { retry } from "./retry.js";
import { parseRetryAfter, retryAfterOf } from "./retry-after.js";
import { retryBudget } from "./retry-budget.js";

/** Runs `policy` over a function that fails `failures` times, recording the clock at each attempt. */
async function schedule(
  clock: FakeClock,
  policy: ReturnType<typeof retry>,
  failures: number,
  error = () => new Error("x"),
) {
  const at: number[] = [];
  const done = policy
    .execute(({ attempt }) => {
      at.push(clock.now());
      if (attempt <= failures) throw error();
      return attempt;
    })
    .then(
      (v) => ({ ok: true as const, v }),
      (e: unknown) => ({ ok: false as const, e }),
    );
  for (let i = 0; i < 20 && clock.pending + at.length > 0; i++) await clock.next();
  return { at, result: await done };
}

describe("retry", () => {
  it("follows the exponential schedule (no jitter) and passes the attempt number", async () => {
    const clock = new FakeClock();
    const policy = retry({
      maxAttempts: 4,
      backoff: exponentialBackoff({ initialMs: 100, jitter: "none" }),
      clock,
    });
    const { at, result } = await schedule(clock, policy, 3);
    expect(at).toEqual([0, 100, 300, 700]);
    expect(result).toEqual({ ok: true, v: 4 });
  });

  it("follows the full-jitter schedule from an injected random source", async () => {
    const clock = new FakeClock();
    const rolls = [0.5, 0.25, 1];
    const policy = retry({
      maxAttempts: 4,
      backoff: exponentialBackoff({ initialMs: 100, random: () => rolls.shift() ?? 0 }),
      clock,
    });
    const { at } = await schedule(clock, policy, 3);
    expect(at).toEqual([0, 50, 100, 500]); // 0.5 × 100, 0.25 × 200, 1 × 400
  });

  it("follows the decorrelated-jitter schedule: each delay drawn from [initial, 3 × previous]", async () => {
    const clock = new FakeClock();
    const rolls = [0.5, 1, 0];
    const policy = retry({
      maxAttempts: 4,
      backoff: exponentialBackoff({
        initialMs: 100,
        maxMs: 10_000,
        jitter: "decorrelated",
        random: () => rolls.shift() ?? 0,
      }),
      clock,
    });
    const { at } = await schedule(clock, policy, 3);
    // delays: upper max(100, 0) = 100 → 100; upper 3 × 100 = 300 → 100 + 1 × 200 = 300; upper 900 → 100 + 0 = 100
    expect(at).toEqual([0, 100, 400, 500]);
  });

  it("gives up after maxAttempts with the last error", async () => {
    const clock = new FakeClock();
    const { at, result } = await schedule(
      clock,
      retry({ maxAttempts: 3, backoff: constantBackoff(10), clock }),
      9,
    );
    expect(at).toEqual([0, 10, 20]);
    expect(result.ok).toBe(false);
  });

  it("waits out retryAfterMs (an open breaker's) and a Retry-After header", async () => {
    const clock = new FakeClock();
    const policy = retry({ maxAttempts: 3, backoff: constantBackoff(10), clock });
    const broken = await schedule(clock, policy, 1, () => new BrokenCircuitError("b", "open", 2_500));
    expect(broken.at).toEqual([0, 2_500]);
    const clock2 = new FakeClock();
    const http = Object.assign(new Error("429"), {
      response: { headers: new Headers({ "retry-after": "3" }) },
    });
    const r = await schedule(
      clock2,
      retry({ maxAttempts: 2, backoff: constantBackoff(10), clock: clock2 }),
      1,
      () => http,
    );
    expect(r.at).toEqual([0, 3_000]);
  });

  it("does not wait for a hint beyond maxRetryAfterMs (an isolated breaker's Infinity)", async () => {
    const clock = new FakeClock();
    const policy = retry({ maxAttempts: 5, backoff: constantBackoff(1), clock, maxRetryAfterMs: 1_000 });
    const r1 = await schedule(
      clock,
      policy,
      9,
      () => new BrokenCircuitError("b", "isolated", Number.POSITIVE_INFINITY),
    );
    expect(r1.at).toEqual([0]);
    const r2 = await schedule(clock, policy, 9, () => new BrokenCircuitError("b", "open", 5_000));
    expect(r2.at).toHaveLength(1);
  });

  it("does not retry what shouldRetry refuses, nor bulkhead rejections by default", async () => {
    const clock = new FakeClock();
    const r1 = await schedule(clock, retry({ clock, shouldRetry: () => false }), 9);
    expect(r1.at).toHaveLength(1);
    const r2 = await schedule(clock, retry({ clock }), 9, () => new BulkheadRejectedError("full", 1, 0));
    expect(r2.at).toHaveLength(1);
  });

  it("never retries after the caller aborts, even mid-backoff", async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    let attempts = 0;
    const call = retry({ maxAttempts: 5, backoff: constantBackoff(1_000), clock }).execute(
      () => {
        attempts++;
        return Promise.reject(new Error("fail"));
      },
      { signal: controller.signal },
    );
    await clock.advance(500);
    controller.abort(new Error("caller gone"));
    await expect(call).rejects.toThrow("caller gone");
    await clock.advance(10_000);
    expect(attempts).toBe(1);
    expect(clock.pending).toBe(0);

    const c2 = new AbortController();
    let n = 0;
    const p = retry({ maxAttempts: 5, backoff: constantBackoff(0), clock }).execute(
      () => {
        n++;
        c2.abort();
        return Promise.reject(new Error("after abort"));
      },
      { signal: c2.signal },
    );
    await expect(p).rejects.toThrow("after abort");
    expect(n).toBe(1);
  });

  it("stops at the retry budget with RetryBudgetExhaustedError carrying the cause", async () => {
    const clock = new FakeClock();
    const events: string[] = [];
    const budget = retryBudget({ ratio: 0, minPerSecond: 0.3, windowMs: 10_000, clock }); // 3 retries / 10 s
    const policy = retry({
      maxAttempts: 10,
      backoff: constantBackoff(0),
      budget,
      clock,
      onEvent: (e) => events.push(e.type),
    });
    let attempts = 0;
    const error = await policy
      .execute(() => {
        attempts++;
        return Promise.reject(new Error("down"));
      })
      .catch((e: unknown) => e);
    expect(attempts).toBe(4);
    expect(isRetryBudgetExhaustedError(error)).toBe(true);
    expect((error as Error).cause).toEqual(new Error("down"));
    expect(events.filter((e) => e === "retry_budget_exhausted")).toHaveLength(1);
  });
});

describe("retryBudget", () => {
  it("allows minPerSecond × window plus ratio × calls, sliding with time", async () => {
    const clock = new FakeClock();
    const budget = retryBudget({ ratio: 0.5, minPerSecond: 0.1, windowMs: 10_000, clock }); // floor: 1
    for (let i = 0; i < 4; i++) budget.recordCall();
    expect(budget.available).toBe(3);
    expect([1, 2, 3, 4].map(() => budget.tryRetry())).toEqual([true, true, true, false]);
    await clock.advance(10_000);
    expect(budget.available).toBe(1);
  });
});

describe("retryAfterOf", () => {
  it("reads retryAfterMs, headers, HTTP dates, and ignores junk", () => {
    expect(retryAfterOf({ retryAfterMs: 42 }, 0)).toBe(42);
    expect(retryAfterOf({ headers: new Headers({ "Retry-After": "5" }) }, 0)).toBe(5_000);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.UTC(2015, 9, 21, 7, 27, 0))).toBe(60_000);
    expect(parseRetryAfter("soon", 0)).toBeUndefined();
    expect(retryAfterOf("nope", 0)).toBeUndefined();
    expect(
      retryAfterOf(
        {
          headers: {
            get: () => {
              throw new Error("x");
            },
          },
        },
        0,
      ),
    ).toBeUndefined();
  });
});
